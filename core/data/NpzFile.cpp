#include "data/NpzFile.h"

#include "common/InputError.h"
#include "io/AtomicFile.h"
#include "io/Npy.h"
#include "io/StrictJson.h"

#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <limits>

namespace minimascope::core {

namespace {

constexpr uint32_t kLocalHeader = 0x04034b50;
constexpr uint32_t kCentralHeader = 0x02014b50;
constexpr uint32_t kEndOfCentralDirectory = 0x06054b50;
constexpr uint32_t kZip64Locator = 0x07064b50;
constexpr uint32_t kZip64End = 0x06064b50;
constexpr uint16_t kZip64Extra = 0x0001;
constexpr uint16_t kStored = 0;
constexpr uint16_t kDeflated = 8;
constexpr uint32_t kMax32 = 0xffffffffu;
constexpr size_t kEndRecordSize = 22;
constexpr size_t kMaxComment = 0xffff;
// As for a single .npy (io/Npy.cpp): data sets of up to 16 GiB; /dev/zero must stop somewhere.
constexpr size_t kMaxNpzBytes = (size_t{16} << 30) + 65536;

class Reader {
public:
    Reader(const std::string& bytes, const std::string& path) : m_bytes(bytes), m_path(path) { }

    uint64_t read(size_t at, int width) const
    {
        if (at > m_bytes.size() || m_bytes.size() - at < static_cast<size_t>(width))
            fail("truncated (a record runs past the end of the file)");
        uint64_t value = 0;
        for (int i = width - 1; i >= 0; --i)
            value = (value << 8) | static_cast<uint8_t>(m_bytes[at + static_cast<size_t>(i)]);
        return value;
    }
    uint16_t u16(size_t at) const { return static_cast<uint16_t>(read(at, 2)); }
    uint32_t u32(size_t at) const { return static_cast<uint32_t>(read(at, 4)); }
    uint64_t u64(size_t at) const { return read(at, 8); }
    std::string text(size_t at, size_t length) const
    {
        if (at > m_bytes.size() || m_bytes.size() - at < length)
            fail("truncated (a name runs past the end of the file)");
        return m_bytes.substr(at, length);
    }
    size_t size() const { return m_bytes.size(); }
    const std::string& bytes() const { return m_bytes; }

    [[noreturn]] void fail(const std::string& problem) const
    {
        throw InputError(m_path + ": not a readable .npz archive: " + problem);
    }

private:
    const std::string& m_bytes;
    const std::string& m_path;
};

struct Member {
    std::string name;
    uint16_t method = 0;
    uint64_t compressedSize = 0;
    uint64_t size = 0;
    uint64_t localOffset = 0;
};

// The end-of-central-directory record is the last 22 bytes plus a comment of up to 64 KiB.
size_t findEndRecord(const Reader& in)
{
    if (in.size() < kEndRecordSize)
        in.fail("too short to be a zip file");
    const size_t lowest = in.size() > kEndRecordSize + kMaxComment ? in.size() - kEndRecordSize - kMaxComment : 0;
    for (size_t at = in.size() - kEndRecordSize + 1; at-- > lowest;)
        if (in.u32(at) == kEndOfCentralDirectory)
            return at;
    in.fail("no zip directory (is it a zip file at all?)");
}

// The member's bytes, which must be exactly its recorded size. The output grows with what
// inflates, never with the size the directory claims: a lying archive cannot force a huge
// allocation (found by fuzzing, fuzz/corpus/npz/).
std::string inflateRaw(const Reader& in, const std::string& member, const char* data, uint64_t compressed,
                       uint64_t size)
{
    if (size > std::numeric_limits<uInt>::max() || compressed > std::numeric_limits<uInt>::max())
        in.fail("member " + member + " is too large to inflate");
    z_stream stream{};
    if (inflateInit2(&stream, -MAX_WBITS) != Z_OK)
        in.fail("zlib could not start");
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data));
    stream.avail_in = static_cast<uInt>(compressed);
    constexpr uint64_t kFirstChunk = uint64_t{1} << 16;
    std::string out;
    Bytef spare = 0;   // where a stream longer than recorded shows itself once `out` is full
    int result = Z_OK;
    while (result == Z_OK && stream.total_out <= size) {
        const uint64_t produced = stream.total_out;
        if (produced == out.size() && out.size() < size)
            out.resize(static_cast<size_t>(std::min(size, std::max<uint64_t>(2 * out.size(), kFirstChunk))));
        if (produced < out.size()) {
            stream.next_out = reinterpret_cast<Bytef*>(out.data()) + produced;
            stream.avail_out = static_cast<uInt>(out.size() - produced);
        } else {
            stream.next_out = &spare;
            stream.avail_out = 1;
        }
        result = inflate(&stream, Z_NO_FLUSH);
    }
    const uLong produced = stream.total_out;
    inflateEnd(&stream);
    if (result != Z_STREAM_END || produced != size)
        in.fail("member " + member + " is corrupt (deflate stream does not inflate to its recorded size)");
    return out;
}

std::string memberBytes(const Reader& in, const Member& m)
{
    // Names are echoed cut short: a zip name may be 64 KiB of anything.
    const std::string name = excerptForMessage(m.name);
    const size_t at = static_cast<size_t>(m.localOffset);
    if (in.u32(at) != kLocalHeader)
        in.fail("member " + name + " has no local header where the directory says");
    const size_t data = at + 30 + in.u16(at + 26) + in.u16(at + 28);
    if (data > in.size() || in.size() - data < m.compressedSize)
        in.fail("member " + name + " is truncated");
    const char* begin = in.bytes().data() + data;
    if (m.method == kStored) {
        if (m.compressedSize != m.size)
            in.fail("stored member " + name + " has different stored and recorded sizes");
        return std::string(begin, static_cast<size_t>(m.size));
    }
    if (m.method == kDeflated)
        return inflateRaw(in, name, begin, m.compressedSize, m.size);
    in.fail("member " + name + " uses zip compression method " + std::to_string(m.method)
            + " (only stored and deflated, as numpy.savez and savez_compressed write, are read)");
}

}   // namespace

std::map<std::string, at::Tensor> readNpz(const std::string& path)
{
    const std::string bytes = readWholeFile(path, kMaxNpzBytes);
    const Reader in(bytes, path);
    const size_t end = findEndRecord(in);
    uint64_t entries = in.u16(end + 10);
    uint64_t directory = in.u32(end + 16);
    if (directory == kMax32 || entries == 0xffff) {
        // zip64: the locator just before the end record points to the zip64 end record.
        if (end < 20 || in.u32(end - 20) != kZip64Locator)
            in.fail("zip64 archive without its locator");
        const size_t end64 = static_cast<size_t>(in.u64(end - 20 + 8));
        if (in.u32(end64) != kZip64End)
            in.fail("zip64 end record missing");
        entries = in.u64(end64 + 32);
        directory = in.u64(end64 + 48);
    }

    std::map<std::string, at::Tensor> arrays;
    size_t at = static_cast<size_t>(directory);
    for (uint64_t e = 0; e < entries; ++e) {
        if (in.u32(at) != kCentralHeader)
            in.fail("corrupt zip directory");
        Member m;
        m.method = in.u16(at + 10);
        m.compressedSize = in.u32(at + 20);
        m.size = in.u32(at + 24);
        const size_t nameLength = in.u16(at + 28);
        const size_t extraLength = in.u16(at + 30);
        const size_t commentLength = in.u16(at + 32);
        m.localOffset = in.u32(at + 42);
        m.name = in.text(at + 46, nameLength);
        // zip64 extra field: the 64-bit values of exactly the fields that read 0xffffffff, in order.
        for (size_t x = at + 46 + nameLength; x + 4 <= at + 46 + nameLength + extraLength;) {
            const uint16_t id = in.u16(x);
            const size_t length = in.u16(x + 2);
            if (id == kZip64Extra) {
                size_t field = x + 4;
                for (uint64_t* value : {&m.size, &m.compressedSize, &m.localOffset}) {
                    if (*value == kMax32) {
                        *value = in.u64(field);
                        field += 8;
                    }
                }
            }
            x += 4 + length;
        }
        at += 46 + nameLength + extraLength + commentLength;
        if (m.name.size() < 4 || m.name.compare(m.name.size() - 4, 4, ".npy") != 0)
            continue;   // numpy writes only .npy members; anything else is not an array
        const std::string key = m.name.substr(0, m.name.size() - 4);
        arrays[key] = decodeNpy(memberBytes(in, m), path + " (member " + excerptForMessage(m.name) + ")");
    }
    return arrays;
}

}   // namespace minimascope::core
