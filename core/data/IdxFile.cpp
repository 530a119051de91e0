#include "data/IdxFile.h"

#include "common/InputError.h"
#include "data/Dataset.h"

#include <ATen/ATen.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace minimascope::core {

namespace {

constexpr uint8_t kUnsignedByteType = 0x08;
constexpr int64_t kMaxDims = 4;
// zlib counts bytes in uInt; feed and drain it in slices well below that.
constexpr size_t kZlibSlice = size_t{1} << 24;

[[noreturn]] void fail(const std::string& path, const std::string& problem) { throw InputError(path + ": " + problem); }

bool endsWithGz(const std::string& path) { return path.size() >= 3 && path.compare(path.size() - 3, 3, ".gz") == 0; }

bool hasGzipMagic(const std::vector<uint8_t>& bytes, size_t at)
{
    return bytes.size() >= at + 2 && bytes[at] == 0x1f && bytes[at + 1] == 0x8b;
}

std::string hexByte(uint8_t b)
{
    char text[8];
    std::snprintf(text, sizeof text, "0x%02X", b);
    return text;
}

// How many leading bytes of an IDX file hold its header and its first `maxRecords` records (the
// first dimension), so that a reader can stop there; 0 while `bytes` is too short to tell, and
// for kAllRecords. A header that makes no sense gives 0 too: parseIdx reports it.
size_t idxPrefixBytes(const std::vector<uint8_t>& bytes, size_t size, int64_t maxRecords)
{
    if (maxRecords == kAllRecords || size < 4)
        return 0;
    const size_t ndims = bytes[3];
    const size_t headerSize = 4 + 4 * ndims;
    if (ndims < 1 || static_cast<int64_t>(ndims) > kMaxDims || size < headerSize)
        return 0;
    uint64_t records = 0;
    uint64_t recordBytes = 1;
    for (size_t d = 0; d < ndims; ++d) {
        const uint8_t* p = bytes.data() + 4 + 4 * d;
        const uint64_t dim = (uint64_t{p[0]} << 24) | (uint64_t{p[1]} << 16) | (uint64_t{p[2]} << 8) | p[3];
        if (d == 0)
            records = std::min<uint64_t>(dim, static_cast<uint64_t>(maxRecords));
        else if (dim > 0 && recordBytes > (uint64_t{1} << 40) / dim)
            return 0;
        else
            recordBytes *= dim;
    }
    return headerSize + static_cast<size_t>(records * recordBytes);
}

// The whole file, or from the first read on which its first `maxRecords` records are complete.
std::vector<uint8_t> readFileBytes(const std::string& path, int64_t maxRecords)
{
    std::FILE* file = std::fopen(path.c_str(), "rb");
    if (!file)
        fail(path, std::string("cannot open (") + std::strerror(errno) + ")");
    // Fashion-MNIST's largest file is 47 MB; the cap leaves room for larger sets of the kind and
    // stops /dev/zero or a FIFO that never ends.
    constexpr size_t kMaxBytes = size_t{2} << 30;
    std::vector<uint8_t> bytes;
    uint8_t buffer[1 << 16];
    size_t got = 0;
    while ((got = std::fread(buffer, 1, sizeof buffer, file)) > 0) {
        if (got > kMaxBytes - bytes.size()) {
            std::fclose(file);
            fail(path, "larger than the limit of " + std::to_string(kMaxBytes) + " bytes for an IDX file");
        }
        bytes.insert(bytes.end(), buffer, buffer + got);
        // A gzip file's prefix is decided by its inflated bytes (gunzip), not here.
        const size_t prefix = hasGzipMagic(bytes, 0) ? 0 : idxPrefixBytes(bytes, bytes.size(), maxRecords);
        if (prefix > 0 && bytes.size() >= prefix)
            break;
    }
    // fopen succeeds on a directory on Linux; the read error shows up here.
    const bool readError = std::ferror(file) != 0;
    const int readErrno = errno;
    std::fclose(file);
    if (readError)
        fail(path, std::string("cannot read (") + std::strerror(readErrno) + ")");
    return bytes;
}

// Inflates a whole gzip file (possibly several concatenated members), or until its first
// `maxRecords` IDX records are out. The output grows with the real data, never with sizes claimed
// by a header, so a lying file cannot force a huge allocation.
std::vector<uint8_t> gunzip(const std::string& path, const std::vector<uint8_t>& in, int64_t maxRecords)
{
    z_stream zs{};
    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
        fail(path, "cannot initialise zlib");
    struct InflateEnd {
        z_stream* s;
        ~InflateEnd() { inflateEnd(s); }
    } guard{&zs};

    std::vector<uint8_t> out(std::max<size_t>(in.size() * 4, size_t{1} << 16));
    size_t produced = 0;
    size_t fed = 0;
    for (;;) {
        if (zs.avail_in == 0 && fed < in.size()) {
            const size_t slice = std::min(kZlibSlice, in.size() - fed);
            zs.next_in = const_cast<Bytef*>(in.data() + fed);
            zs.avail_in = static_cast<uInt>(slice);
            fed += slice;
        }
        if (produced == out.size())
            out.resize(out.size() * 2);
        const size_t room = std::min(kZlibSlice, out.size() - produced);
        zs.next_out = out.data() + produced;
        zs.avail_out = static_cast<uInt>(room);
        const int ret = inflate(&zs, Z_NO_FLUSH);
        produced += room - zs.avail_out;
        const size_t prefix = idxPrefixBytes(out, produced, maxRecords);
        if (prefix > 0 && produced >= prefix)
            break;

        if (ret == Z_STREAM_END) {
            const size_t consumed = fed - zs.avail_in;
            if (consumed == in.size())
                break;
            if (!hasGzipMagic(in, consumed))
                fail(path, "corrupt gzip stream (unexpected data after the compressed stream)");
            inflateReset(&zs);   // next concatenated gzip member
        } else if (ret == Z_BUF_ERROR) {
            // Output space is always offered, so inflate wants input; none left means the
            // stream was cut short.
            if (zs.avail_in == 0 && fed == in.size())
                fail(path, "corrupt gzip stream (unexpected end of compressed data)");
        } else if (ret != Z_OK) {
            const std::string detail = zs.msg ? zs.msg : "zlib error " + std::to_string(ret);
            fail(path, "corrupt gzip stream (" + detail + ")");
        }
    }
    out.resize(produced);
    return out;
}

std::string dimsText(const std::vector<int64_t>& dims)
{
    std::string text;
    for (size_t i = 0; i < dims.size(); ++i)
        text += (i ? "x" : "") + std::to_string(dims[i]);
    return text;
}

// The file's tensor, or its first `maxRecords` records when `bytes` may stop after them (then the
// bytes after those records are neither needed nor checked).
at::Tensor parseIdx(const std::string& path, const std::vector<uint8_t>& bytes, int64_t maxRecords)
{
    if (bytes.size() < 4)
        fail(path, "truncated: " + std::to_string(bytes.size()) + " bytes is shorter than the 4-byte IDX header");
    if (bytes[0] != 0 || bytes[1] != 0)
        fail(path, "not an IDX file (bad magic: first two bytes are " + hexByte(bytes[0]) + " " + hexByte(bytes[1])
                       + ", expected 0x00 0x00)");
    if (bytes[2] != kUnsignedByteType)
        fail(path, "unsupported IDX data type " + hexByte(bytes[2]) + " (only 0x08, unsigned byte, is supported)");
    const int64_t ndims = bytes[3];
    if (ndims < 1 || ndims > kMaxDims)
        fail(path, "bad number of dimensions " + std::to_string(ndims) + " (expected 1 to 4)");
    const size_t headerSize = 4 + 4 * static_cast<size_t>(ndims);
    if (bytes.size() < headerSize)
        fail(path, "truncated header: " + std::to_string(ndims) + " dimensions need " + std::to_string(headerSize)
                       + " bytes, the file has " + std::to_string(bytes.size()));

    const size_t payload = bytes.size() - headerSize;
    std::vector<int64_t> dims;
    for (int64_t d = 0; d < ndims; ++d) {
        const uint8_t* p = bytes.data() + 4 + 4 * d;
        dims.push_back((int64_t{p[0]} << 24) | (int64_t{p[1]} << 16) | (int64_t{p[2]} << 8) | int64_t{p[3]});
    }
    const bool head = maxRecords != kAllRecords && maxRecords < dims[0];
    if (head)
        dims[0] = maxRecords;
    // Checked before each multiplication, so that a lying header can neither overflow the
    // product nor get anything allocated.
    const bool empty = std::count(dims.begin(), dims.end(), 0) > 0;
    uint64_t needed = empty ? 0 : 1;
    bool overflow = false;
    for (int64_t dim : dims) {
        if (!empty && needed > std::numeric_limits<uint64_t>::max() / static_cast<uint64_t>(dim))
            overflow = true;
        else
            needed *= static_cast<uint64_t>(dim);
    }
    if (overflow || needed > payload)
        fail(path, "truncated: dimensions " + dimsText(dims) + " need "
                       + (overflow ? "more than 2^64" : std::to_string(needed)) + " data bytes, the file has "
                       + std::to_string(payload));
    if (needed < payload && !head)
        fail(path, "trailing bytes: dimensions " + dimsText(dims) + " need " + std::to_string(needed)
                       + " data bytes, the file has " + std::to_string(payload));
    // An empty array still gets strides from its other dimensions (ATen throws when their
    // product, zeros counted as ones, passes int64): found by fuzzing (fuzz/corpus/idx/).
    if (empty) {
        uint64_t extent = 1;
        bool extentOverflow = false;
        for (int64_t dim : dims)
            extentOverflow = extentOverflow
                             || __builtin_mul_overflow(extent, static_cast<uint64_t>(std::max<int64_t>(dim, 1)),
                                                       &extent);
        if (extentOverflow || extent > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
            fail(path, "dimensions " + dimsText(dims)
                           + " hold no data but are too large for an array"
                             " (the product of the non-zero ones passes 2^63)");
    }

    at::Tensor out = at::empty(dims, at::kByte);
    if (needed > 0)
        std::memcpy(out.data_ptr<uint8_t>(), bytes.data() + headerSize, needed);
    return out;
}

}   // namespace

at::Tensor readIdx(const std::string& path, int64_t maxRecords)
{
    if (maxRecords < 0 && maxRecords != kAllRecords)
        throw std::invalid_argument("readIdx: maxRecords must be >= 0 or kAllRecords");
    std::vector<uint8_t> bytes = readFileBytes(path, maxRecords);
    if (hasGzipMagic(bytes, 0))
        return parseIdx(path, gunzip(path, bytes, maxRecords), maxRecords);
    if (endsWithGz(path))
        fail(path, "named .gz but is not gzip data");
    return parseIdx(path, bytes, maxRecords);
}

void writeIdx(const std::string& path, const at::Tensor& data)
{
    if (!data.defined() || data.scalar_type() != at::kByte)
        throw std::invalid_argument("writeIdx: needs a uint8 tensor");
    if (data.dim() < 1 || data.dim() > kMaxDims)
        throw std::invalid_argument("writeIdx: needs 1 to 4 dimensions, got " + std::to_string(data.dim()));
    std::vector<uint8_t> bytes = {0, 0, kUnsignedByteType, static_cast<uint8_t>(data.dim())};
    for (int64_t size : data.sizes()) {
        if (size > std::numeric_limits<uint32_t>::max())
            throw std::invalid_argument("writeIdx: dimension too large for IDX");
        const auto dim = static_cast<uint32_t>(size);
        bytes.insert(bytes.end(), {static_cast<uint8_t>(dim >> 24), static_cast<uint8_t>(dim >> 16),
                                   static_cast<uint8_t>(dim >> 8), static_cast<uint8_t>(dim)});
    }
    const at::Tensor flat = data.contiguous().cpu();
    const auto* values = flat.data_ptr<uint8_t>();
    bytes.insert(bytes.end(), values, values + flat.numel());

    if (endsWithGz(path)) {
        gzFile file = gzopen(path.c_str(), "wb");
        if (!file)
            fail(path, std::string("cannot write (") + std::strerror(errno) + ")");
        bool ok = true;
        for (size_t at = 0; ok && at < bytes.size(); at += kZlibSlice) {
            const auto len = static_cast<unsigned>(std::min(kZlibSlice, bytes.size() - at));
            ok = gzwrite(file, bytes.data() + at, len) == static_cast<int>(len);
        }
        // gzclose flushes the last block and the trailer, so its result counts too.
        if (gzclose(file) != Z_OK || !ok)
            fail(path, "cannot write (gzip write failed)");
        return;
    }
    std::FILE* file = std::fopen(path.c_str(), "wb");
    if (!file)
        fail(path, std::string("cannot write (") + std::strerror(errno) + ")");
    const bool ok = std::fwrite(bytes.data(), 1, bytes.size(), file) == bytes.size();
    if (std::fclose(file) != 0 || !ok)
        fail(path, "cannot write (write failed)");
}

Dataset readIdxClassification(const std::string& imagesPath, const std::string& labelsPath, int64_t numClasses,
                              const std::string& name, int64_t maxExamples)
{
    if (numClasses < 1)
        throw InputError(name + ": number of classes must be positive, got " + std::to_string(numClasses));
    const at::Tensor images = readIdx(imagesPath, maxExamples);
    if (images.dim() != 3)
        fail(imagesPath, "images need 3 dimensions (count, rows, cols), the file has " + std::to_string(images.dim()));
    const at::Tensor labels = readIdx(labelsPath, maxExamples);
    if (labels.dim() != 1)
        fail(labelsPath, "labels need 1 dimension (count), the file has " + std::to_string(labels.dim()));
    if (images.size(0) != labels.size(0))
        throw InputError(imagesPath + " holds " + std::to_string(images.size(0)) + " images but " + labelsPath
                         + " holds " + std::to_string(labels.size(0)) + " labels");
    const auto* label = labels.data_ptr<uint8_t>();
    for (int64_t i = 0; i < labels.size(0); ++i) {
        if (label[i] >= numClasses)
            fail(labelsPath, "label " + std::to_string(label[i]) + " at index " + std::to_string(i)
                                 + " is not below the number of classes (" + std::to_string(numClasses) + ")");
    }

    Dataset out;
    out.name = name;
    out.task = Task::Classification;
    out.inputs = images.unsqueeze(1).to(at::kFloat).div_(255.0f);
    out.targets = labels.to(at::kLong);
    out.numClasses = numClasses;
    out.inputShape = {1, images.size(1), images.size(2)};
    return out;
}

}   // namespace minimascope::core
