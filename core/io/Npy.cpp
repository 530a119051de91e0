#include "io/Npy.h"

#include "common/InputError.h"
#include "io/AtomicFile.h"

#include <ATen/ops/empty.h>

#include <cstdint>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string_view>
#include <vector>

// The data bytes are copied as they are, which is only right on a little-endian host.
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "Npy.cpp assumes a little-endian host"
#endif

namespace minimascope::core {

namespace {

constexpr std::string_view kMagic("\x93NUMPY", 6);
constexpr std::size_t kAlignment = 64;
// NumPy (>= 1.23) pads the header so that the first axis can grow to this many digits and
// the header be rewritten in place; doing the same keeps the bytes identical to np.save.
constexpr std::size_t kGrowthAxisMaxDigits = 21;
// More than NumPy itself allows (NPY_MAXDIMS is 32, 64 in NumPy 2); bounds the work a
// malformed header can cause.
constexpr std::size_t kMaxDims = 64;

struct Dtype {
    at::ScalarType type;
    std::string_view descr;
    std::size_t itemSize;
};

constexpr Dtype kDtypes[] = {
    {at::kFloat, "<f4", 4}, {at::kDouble, "<f8", 8}, {at::kLong, "<i8", 8}, {at::kInt, "<i4", 4}, {at::kByte, "|u1", 1},
};

std::string shapeRepr(const std::vector<int64_t>& shape)
{
    // Python's repr of a tuple: "()", "(3,)", "(2, 3)".
    std::string text = "(";
    for (std::size_t i = 0; i < shape.size(); ++i) {
        if (i > 0)
            text += ", ";
        text += std::to_string(shape[i]);
    }
    if (shape.size() == 1)
        text += ',';
    return text + ')';
}

struct Header {
    std::string descr;
    bool fortranOrder = false;
    std::vector<int64_t> shape;
};

// Parses the Python dict literal that NumPy writes as the header, accepting exactly the
// three keys NumPy requires and the value types they take.
class HeaderParser {
public:
    HeaderParser(std::string_view text, const std::string& source) : text_(text), source_(source) { }

    Header parse()
    {
        Header header;
        bool seenDescr = false, seenFortran = false, seenShape = false;
        skipSpace();
        expect('{');
        skipSpace();
        while (!consume('}')) {
            const std::string key = parseString();
            skipSpace();
            expect(':');
            skipSpace();
            if (key == "descr" && !seenDescr) {
                header.descr = parseString();
                seenDescr = true;
            } else if (key == "fortran_order" && !seenFortran) {
                header.fortranOrder = parseBool();
                seenFortran = true;
            } else if (key == "shape" && !seenShape) {
                header.shape = parseShape();
                seenShape = true;
            } else {
                fail("unexpected or repeated key '" + key + "'");
            }
            skipSpace();
            if (!consume(',')) {
                expect('}');
                break;
            }
            skipSpace();
        }
        skipSpace();
        if (pos_ != text_.size())
            fail("unexpected text after the dictionary");
        if (!seenDescr || !seenFortran || !seenShape)
            fail("it needs the keys 'descr', 'fortran_order' and 'shape'");
        return header;
    }

private:
    [[noreturn]] void fail(const std::string& problem) const
    {
        throw InputError(source_ + ": malformed .npy header: " + problem);
    }

    void skipSpace()
    {
        constexpr std::string_view kSpace = " \t\r\n";
        while (pos_ < text_.size() && kSpace.find(text_[pos_]) != std::string_view::npos)
            ++pos_;
    }

    bool consume(char c)
    {
        if (pos_ < text_.size() && text_[pos_] == c) {
            ++pos_;
            return true;
        }
        return false;
    }

    void expect(char c)
    {
        if (!consume(c))
            fail(std::string("expected '") + c + "' at offset " + std::to_string(pos_));
    }

    std::string parseString()
    {
        if (pos_ >= text_.size() || (text_[pos_] != '\'' && text_[pos_] != '"'))
            fail("expected a string at offset " + std::to_string(pos_));
        const char quote = text_[pos_++];
        const std::size_t end = text_.find(quote, pos_);
        // Keys and descrs are short; a long one is garbage and should not flood the message.
        if (end == std::string_view::npos || end - pos_ > 32)
            fail("unterminated or overlong string at offset " + std::to_string(pos_ - 1));
        std::string value(text_.substr(pos_, end - pos_));
        pos_ = end + 1;
        return value;
    }

    bool parseBool()
    {
        if (text_.substr(pos_, 4) == "True") {
            pos_ += 4;
            return true;
        }
        if (text_.substr(pos_, 5) == "False") {
            pos_ += 5;
            return false;
        }
        fail("expected True or False at offset " + std::to_string(pos_));
    }

    // A tuple of non-negative integers; "(3)" is an int in Python, not a tuple.
    std::vector<int64_t> parseShape()
    {
        std::vector<int64_t> shape;
        expect('(');
        skipSpace();
        bool trailingComma = false;
        while (!consume(')')) {
            if (shape.size() == kMaxDims)
                fail("more than " + std::to_string(kMaxDims) + " dimensions");
            shape.push_back(parseDimension());
            skipSpace();
            trailingComma = consume(',');
            if (!trailingComma) {
                expect(')');
                break;
            }
            skipSpace();
        }
        if (shape.size() == 1 && !trailingComma)
            fail("shape is not a tuple");
        return shape;
    }

    int64_t parseDimension()
    {
        const std::size_t start = pos_;
        int64_t value = 0;
        while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
            const int digit = text_[pos_] - '0';
            if (value > (std::numeric_limits<int64_t>::max() - digit) / 10)
                fail("dimension too large at offset " + std::to_string(start));
            value = value * 10 + digit;
            ++pos_;
        }
        if (pos_ == start)
            fail("expected a non-negative integer at offset " + std::to_string(start));
        return value;
    }

    std::string_view text_;
    const std::string& source_;
    std::size_t pos_ = 0;
};

uint32_t readLittleEndian(const std::string& bytes, std::size_t offset, std::size_t width)
{
    uint32_t value = 0;
    for (std::size_t i = 0; i < width; ++i)
        value |= static_cast<uint32_t>(static_cast<unsigned char>(bytes[offset + i])) << (8 * i);
    return value;
}

const Dtype& dtypeForDescr(const std::string& descr, const std::string& source)
{
    // NumPy writes '|u1', but '<u1' means the same bytes.
    std::string_view wanted = descr;
    if (wanted == "<u1")
        wanted = "|u1";
    for (const Dtype& dtype : kDtypes) {
        if (wanted == dtype.descr)
            return dtype;
    }
    if (!descr.empty() && descr[0] == '>')
        throw InputError(source + ": big-endian data ('" + descr
                         + "') is not supported; "
                           "save it with arr.astype(arr.dtype.newbyteorder('<'))");
    throw InputError(source + ": unsupported dtype '" + descr + "' (supported: <f4, <f8, <i8, <i4, |u1)");
}

}   // namespace

std::string encodeNpy(const at::Tensor& tensor)
{
    if (!tensor.defined())
        throw std::invalid_argument("encodeNpy: undefined tensor");
    const at::Tensor data = tensor.detach().to(at::kCPU).contiguous();
    const Dtype* dtype = nullptr;
    for (const Dtype& candidate : kDtypes) {
        if (candidate.type == data.scalar_type())
            dtype = &candidate;
    }
    if (dtype == nullptr)
        throw std::invalid_argument(std::string("encodeNpy: unsupported dtype ") + c10::toString(data.scalar_type()));

    const std::vector<int64_t> shape(data.sizes().begin(), data.sizes().end());
    std::string dict = "{'descr': '" + std::string(dtype->descr)
                       + "', 'fortran_order': False, 'shape': " + shapeRepr(shape) + ", }";
    if (!shape.empty())
        dict.append(kGrowthAxisMaxDigits - std::to_string(shape[0]).size(), ' ');
    // Magic, two version bytes and the uint16 length come first; the header, spaces and
    // the final newline fill up to a multiple of 64 (a whole 64 when already aligned, as
    // NumPy does).
    const std::size_t prefixSize = kMagic.size() + 2 + 2;
    const std::size_t padding = kAlignment - (prefixSize + dict.size() + 1) % kAlignment;
    const std::size_t headerSize = dict.size() + padding + 1;
    if (headerSize > std::numeric_limits<uint16_t>::max())
        throw std::invalid_argument("encodeNpy: too many dimensions for a version 1.0 header");

    std::string bytes;
    bytes.reserve(prefixSize + headerSize + data.nbytes());
    bytes.append(kMagic);
    bytes.push_back('\x01');
    bytes.push_back('\x00');
    bytes.push_back(static_cast<char>(headerSize & 0xff));
    bytes.push_back(static_cast<char>(headerSize >> 8));
    bytes.append(dict);
    bytes.append(padding, ' ');
    bytes.push_back('\n');
    if (data.nbytes() > 0)
        bytes.append(static_cast<const char*>(data.data_ptr()), data.nbytes());
    return bytes;
}

at::Tensor decodeNpy(const std::string& bytes, const std::string& source)
{
    if (bytes.size() < kMagic.size() + 2 || std::string_view(bytes).substr(0, kMagic.size()) != kMagic)
        throw InputError(source + ": not a .npy file (bad magic)");
    const int major = static_cast<unsigned char>(bytes[6]);
    const int minor = static_cast<unsigned char>(bytes[7]);
    if ((major != 1 && major != 2) || minor != 0)
        throw InputError(source + ": unsupported .npy version " + std::to_string(major) + "." + std::to_string(minor)
                         + " (supported: 1.0, 2.0)");
    // Version 2.0 only widens the header length from 16 to 32 bits.
    const std::size_t lengthWidth = major == 1 ? 2 : 4;
    const std::size_t prefixSize = kMagic.size() + 2 + lengthWidth;
    if (bytes.size() < prefixSize)
        throw InputError(source + ": truncated .npy header");
    const std::size_t headerSize = readLittleEndian(bytes, kMagic.size() + 2, lengthWidth);
    if (bytes.size() - prefixSize < headerSize)
        throw InputError(source + ": truncated .npy header");

    const Header header = HeaderParser(std::string_view(bytes).substr(prefixSize, headerSize), source).parse();
    const Dtype& dtype = dtypeForDescr(header.descr, source);
    if (header.fortranOrder)
        throw InputError(source
                         + ": Fortran-order arrays are not supported; save it with "
                           "np.ascontiguousarray(arr)");

    // Also bound the product with zeros counted as ones: ATen derives strides from the other
    // dimensions, and they must fit in int64 even when the array is empty.
    uint64_t count = 1;
    uint64_t strideBound = dtype.itemSize;
    bool overflow = false;
    for (const int64_t dim : header.shape) {
        const auto size = static_cast<uint64_t>(dim);
        overflow = overflow || __builtin_mul_overflow(count, size, &count)
                   || __builtin_mul_overflow(strideBound, size == 0 ? 1 : size, &strideBound);
    }
    if (overflow || strideBound > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
        throw InputError(source + ": shape " + shapeRepr(header.shape) + " is too large");

    const uint64_t expected = count * dtype.itemSize;
    const std::size_t found = bytes.size() - prefixSize - headerSize;
    if (found != expected)
        throw InputError(source + (found < expected ? ": truncated data: " : ": size mismatch: ") + "shape "
                         + shapeRepr(header.shape) + " of '" + header.descr + "' needs " + std::to_string(expected)
                         + " bytes, found " + std::to_string(found));

    at::Tensor tensor = at::empty(header.shape, at::TensorOptions().dtype(dtype.type));
    if (expected > 0)
        std::memcpy(tensor.data_ptr(), bytes.data() + prefixSize + headerSize, expected);
    return tensor;
}

void writeNpy(const std::string& path, const at::Tensor& tensor) { writeFileAtomically(path, encodeNpy(tensor)); }

at::Tensor readNpy(const std::string& path)
{
    // The largest tensor the model specs allow (a 65536 x 65536 float32 layer) plus its header:
    // larger is no parameter file of ours, and /dev/zero must stop somewhere.
    constexpr std::size_t kMaxNpyBytes = (std::size_t{16} << 30) + 65536;
    return decodeNpy(readWholeFile(path, kMaxNpyBytes), path);
}

}   // namespace minimascope::core
