// ACPI table header checks, iasl's disassembly rebuilt into the table's bytes, bounded reads.
#include "io/acpi/table.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>

#include "io/input_error.h"

namespace atslab::io::acpi {
namespace {

uint64_t le(const std::vector<uint8_t>& b, size_t off, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v |= uint64_t{b[off + i]} << (8 * i);
  return v;
}

// Table text (OEM IDs) as printable ASCII: anything else as \xNN, so that it can reach a
// terminal or JSON whatever the firmware put there.
std::string printable(const std::vector<uint8_t>& b, size_t off, size_t n) {
  std::string s;
  for (size_t i = off; i < off + n; ++i) s.push_back(static_cast<char>(b[i]));
  while (!s.empty() && (s.back() == ' ' || s.back() == '\0')) s.pop_back();
  std::string out;
  for (unsigned char c : s) {
    if (c >= 0x20 && c < 0x7f)
      out.push_back(static_cast<char>(c));
    else
      out += fmt::format("\\x{:02x}", c);
  }
  return out;
}

bool is_hex(std::string_view t) {
  return !t.empty() && std::all_of(t.begin(), t.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::optional<uint64_t> parse_num(std::string_view t, int base) {
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v, base);
  if (t.empty() || ec != std::errc() || end != t.data() + t.size()) return std::nullopt;
  return v;
}

// The message for a bad line: FILE:LINE: what, the line quoted in part (printable only).
[[noreturn]] void bad_line(const std::string& source, size_t line_no, std::string_view line, std::string_view what) {
  std::string q;
  for (char c : line.substr(0, 60)) q.push_back(static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f ? c : '?');
  throw InputError(fmt::format("{}:{}: {} ('{}')", source, line_no, what, q));
}

// "[0B8h 0184 004h]" or "[0B8h 0184   4]": hex offset, decimal offset, length (hex with an h
// suffix since iasl 2021, decimal before). Returns false when the line has no such prefix.
bool field_prefix(std::string_view line, size_t& off, size_t& len, std::string_view& rest, const std::string& source,
                  size_t line_no) {
  std::string_view s = line;
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  if (s.empty() || s.front() != '[') return false;
  const size_t close = s.find(']');
  if (close == std::string_view::npos) return false;
  std::string_view in = s.substr(1, close - 1);
  std::vector<std::string_view> parts;
  for (size_t p = 0; p < in.size();) {
    while (p < in.size() && in[p] == ' ') ++p;
    size_t q = p;
    while (q < in.size() && in[q] != ' ') ++q;
    if (q > p) parts.push_back(in.substr(p, q - p));
    p = q;
  }
  if (parts.size() != 3 || parts[0].size() < 2 || parts[0].back() != 'h') return false;
  auto hex_off = parse_num(parts[0].substr(0, parts[0].size() - 1), 16);
  auto dec_off = parse_num(parts[1], 10);
  std::optional<uint64_t> n = parts[2].back() == 'h' ? parse_num(parts[2].substr(0, parts[2].size() - 1), 16)
                                                     : parse_num(parts[2], 10);
  if (!hex_off || !dec_off || !n) return false;
  if (*hex_off != *dec_off) bad_line(source, line_no, line, "the hex and decimal offsets differ");
  if (*hex_off + *n > kMaxTableBytes)
    bad_line(source, line_no, line, fmt::format("a field past {} KiB, longer than any ACPI table read here", kMaxTableBytes >> 10));
  off = *hex_off;
  len = *n;
  rest = s.substr(close + 1);
  return true;
}

// The bytes a field's value stands for, written at `off` (`len` bytes, zero-filled past a
// shorter value).
void put_value(std::vector<uint8_t>& out, size_t off, size_t len, std::string_view value, const std::string& source,
               size_t line_no, std::string_view line) {
  if (out.size() < off + len) out.resize(off + len, 0);
  if (value.front() == '"') {
    const size_t end = value.find('"', 1);
    if (end == std::string_view::npos) bad_line(source, line_no, line, "a string without its closing quote");
    std::string_view str = value.substr(1, end - 1);
    if (str.size() > len) bad_line(source, line_no, line, fmt::format("a string longer than its {} bytes", len));
    std::fill_n(out.begin() + static_cast<std::ptrdiff_t>(off), len, uint8_t{0});
    std::copy(str.begin(), str.end(), out.begin() + static_cast<std::ptrdiff_t>(off));
    return;
  }
  // Hex tokens, up to the first that is not (iasl's "/* ... */" and "[Subtable name]" follow).
  std::vector<std::string_view> tokens;
  for (size_t p = 0; p < value.size();) {
    while (p < value.size() && (value[p] == ' ' || value[p] == ',' || value[p] == '\t')) ++p;
    size_t q = p;
    while (q < value.size() && value[q] != ' ' && value[q] != ',' && value[q] != '\t') ++q;
    if (q == p) break;
    std::string_view tok = value.substr(p, q - p);
    if (!is_hex(tok)) break;
    tokens.push_back(tok);
    p = q;
  }
  if (tokens.empty()) bad_line(source, line_no, line, "a value that is neither a hex number, a string nor hex bytes");
  if (tokens.size() == 1 && (len <= 8) && tokens[0].size() <= 16) {
    const uint64_t v = *parse_num(tokens[0], 16);
    if (len < 8 && (v >> (8 * len)) != 0) bad_line(source, line_no, line, fmt::format("a number that does not fit in {} bytes", len));
    for (size_t i = 0; i < len; ++i) out[off + i] = static_cast<uint8_t>(v >> (8 * i));
    return;
  }
  if (tokens.size() > len) bad_line(source, line_no, line, fmt::format("more bytes than the field's {}", len));
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (tokens[i].size() != 2) bad_line(source, line_no, line, "hex bytes must be two digits each");
    out[off + i] = static_cast<uint8_t>(*parse_num(tokens[i], 16));
  }
}

// iasl's "Raw Table Data: Length N (0xN)" dump: "OOOO: HH HH ... HH  // text" (or two spaces
// and the text, in older iasl). Empty when the text has none.
std::vector<uint8_t> raw_dump(const std::vector<std::string_view>& lines, const std::string& source) {
  size_t i = 0;
  while (i < lines.size() && lines[i].find("Raw Table Data:") == std::string_view::npos) ++i;
  if (i == lines.size()) return {};
  const size_t header_line = i;
  std::optional<uint64_t> declared;
  if (auto p = lines[i].find("Length "); p != std::string_view::npos) {
    std::string_view t = lines[i].substr(p + 7);
    size_t e = 0;
    while (e < t.size() && std::isdigit(static_cast<unsigned char>(t[e]))) ++e;
    declared = parse_num(t.substr(0, e), 10);
  }
  std::vector<uint8_t> bytes;
  for (++i; i < lines.size(); ++i) {
    std::string_view s = trim(lines[i]);
    if (s.empty()) {
      if (bytes.empty()) continue;
      break;
    }
    const size_t colon = s.find(':');
    if (colon == std::string_view::npos || !is_hex(s.substr(0, colon))) break;
    auto off = parse_num(s.substr(0, colon), 16);
    if (!off || *off != bytes.size())
      bad_line(source, i + 1, lines[i], fmt::format("a raw-data row at offset {} where {} was expected", s.substr(0, colon), bytes.size()));
    std::string_view r = s.substr(colon + 1);
    size_t n = 0;
    while (n < 16 && r.size() >= 3 && r[0] == ' ' && std::isxdigit(static_cast<unsigned char>(r[1])) &&
           std::isxdigit(static_cast<unsigned char>(r[2])) && (r.size() == 3 || r[3] == ' ')) {
      bytes.push_back(static_cast<uint8_t>(*parse_num(r.substr(1, 2), 16)));
      r.remove_prefix(3);
      ++n;
    }
    if (n == 0) bad_line(source, i + 1, lines[i], "a raw-data row without bytes");
    if (bytes.size() > kMaxTableBytes) bad_line(source, i + 1, lines[i], "raw data longer than any ACPI table read here");
  }
  if (declared && *declared != bytes.size())
    bad_line(source, header_line + 1, lines[header_line],
             fmt::format("the raw data holds {} bytes, not the {} it announces", bytes.size(), *declared));
  return bytes;
}

}  // namespace

void Cursor::fail(const std::string& msg) const { throw InputError(fmt::format("{}: {}", t_.source, msg)); }

void Cursor::need(size_t off, uint64_t len, std::string_view what) const {
  if (off > t_.bytes.size() || len > t_.bytes.size() - off)
    fail(fmt::format("{} at offset 0x{:x} ({} bytes) runs past the table's end at 0x{:x}", what, off, len, t_.bytes.size()));
}
uint8_t Cursor::u8(size_t off, std::string_view what) const { return static_cast<uint8_t>((need(off, 1, what), le(t_.bytes, off, 1))); }
uint16_t Cursor::u16(size_t off, std::string_view what) const { return static_cast<uint16_t>((need(off, 2, what), le(t_.bytes, off, 2))); }
uint32_t Cursor::u32(size_t off, std::string_view what) const { return static_cast<uint32_t>((need(off, 4, what), le(t_.bytes, off, 4))); }
uint64_t Cursor::u64(size_t off, std::string_view what) const { return (need(off, 8, what), le(t_.bytes, off, 8)); }

RawTable table_from_bytes(std::vector<uint8_t> bytes, const std::string& source) {
  RawTable t;
  t.source = source;
  if (bytes.size() < kHeaderSize)
    throw InputError(fmt::format("{}: {} bytes, shorter than an ACPI table header ({})", source, bytes.size(), kHeaderSize));
  for (size_t i = 0; i < 4; ++i)
    if (bytes[i] < 0x20 || bytes[i] >= 0x7f)
      throw InputError(fmt::format("{}: not an ACPI table (byte 0x{:02x} in the signature)", source, bytes[i]));
  t.header.signature.assign(bytes.begin(), bytes.begin() + 4);
  t.header.length = static_cast<uint32_t>(le(bytes, 4, 4));
  t.header.revision = bytes[8];
  t.header.checksum = bytes[9];
  t.header.oem_id = printable(bytes, 10, 6);
  t.header.oem_table_id = printable(bytes, 16, 8);
  t.header.oem_revision = static_cast<uint32_t>(le(bytes, 24, 4));
  if (t.header.length < kHeaderSize)
    throw InputError(fmt::format("{}: {} table length {} is shorter than its header", source, t.header.signature, t.header.length));
  if (t.header.length > kMaxTableBytes)
    throw InputError(fmt::format("{}: {} table length {} is longer than any IORT, DMAR or IVRS ({} KiB at most)", source,
                                 t.header.signature, t.header.length, kMaxTableBytes >> 10));
  if (t.header.length > bytes.size())
    throw InputError(fmt::format("{}: {} table length {} but only {} bytes given (truncated)", source, t.header.signature,
                                 t.header.length, bytes.size()));
  if (t.header.length < bytes.size()) {
    t.notes.push_back(fmt::format("{} bytes after the table's {} are ignored", bytes.size() - t.header.length, t.header.length));
    bytes.resize(t.header.length);
  }
  uint8_t sum = 0;
  for (uint8_t b : bytes) sum = static_cast<uint8_t>(sum + b);
  if (sum != 0)
    t.notes.push_back(fmt::format("{} checksum 0x{:02x} is wrong (should be 0x{:02x}); read anyway, as Linux does",
                                  t.header.signature, t.header.checksum, static_cast<uint8_t>(t.header.checksum - sum)));
  t.bytes = std::move(bytes);
  return t;
}

std::vector<uint8_t> text_to_bytes(std::string_view text, const std::string& source) {
  std::vector<std::string_view> lines;
  for (size_t p = 0; p <= text.size();) {
    size_t e = text.find('\n', p);
    if (e == std::string_view::npos) e = text.size();
    std::string_view l = text.substr(p, e - p);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    lines.push_back(l);
    p = e + 1;
  }
  size_t first = 0;
  if (!lines.empty() && !lines[0].empty() && lines[0][0] == '#') first = 1;  // tests/data's "# source:" line
  std::vector<std::string_view> body(lines.begin() + static_cast<std::ptrdiff_t>(first), lines.end());
  if (auto raw = raw_dump(body, source); !raw.empty()) return raw;

  std::vector<uint8_t> out;
  size_t fields = 0;
  for (size_t i = 0; i < body.size(); ++i) {
    size_t off = 0, len = 0;
    std::string_view rest;
    if (!field_prefix(body[i], off, len, rest, source, i + 1 + first)) continue;
    const size_t colon = rest.find(" : ");
    if (colon == std::string_view::npos) bad_line(source, i + 1 + first, body[i], "a field without ' : ' before its value");
    std::string_view value = trim(rest.substr(colon + 3));
    if (len == 0) continue;
    if (value.empty()) bad_line(source, i + 1 + first, body[i], "a field without a value");
    if (value.front() == '[') continue;  // "[IORT Memory Access Properties]": its fields follow
    put_value(out, off, len, value, source, i + 1 + first, body[i]);
    ++fields;
  }
  if (fields == 0)
    throw InputError(fmt::format("{}: neither an ACPI table nor iasl's disassembly of one (no '[OFFh ...] Field : value' "
                                 "line; a data-table source as firmware trees keep it, '[0004] Field : value', compiles "
                                 "with `iasl FILE` into the binary atslab reads)",
                                 source));
  return out;
}

RawTable load_table(const std::string& path) {
  std::error_code ec;
  const auto st = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(st)) throw InputError(fmt::format("{}: cannot open ACPI table: no such file", path));
  if (!std::filesystem::is_regular_file(st)) throw InputError(fmt::format("{}: cannot open ACPI table: not a regular file", path));
  // A disassembly is about 30 times the table; allow for that, and a little.
  constexpr uintmax_t kMaxFileBytes = uintmax_t{64} * kMaxTableBytes;
  if (std::filesystem::file_size(path, ec) > kMaxFileBytes)
    throw InputError(fmt::format("{}: larger than {} MiB, not an ACPI table", path, kMaxFileBytes >> 20));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(fmt::format("{}: cannot open ACPI table", path));
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // A binary table starts with its signature: four capital letters or digits.
  const bool binary = bytes.size() >= 4 && std::all_of(bytes.begin(), bytes.begin() + 4, [](uint8_t c) {
                        return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
                      });
  if (binary) return table_from_bytes(std::move(bytes), path);
  std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  std::vector<std::string> notes;
  auto rebuilt = text_to_bytes(text, path);
  // The field lines may stop short of the table's length (a subtable this iasl did not know):
  // the rest reads as zeros, said in a note.
  if (rebuilt.size() >= 8) {
    const uint32_t length = static_cast<uint32_t>(le(rebuilt, 4, 4));
    if (length > rebuilt.size() && length <= kMaxTableBytes) {
      notes.push_back(fmt::format("the disassembly gives bytes up to 0x{:x} of the table's 0x{:x}; the rest is read as zeros",
                                  rebuilt.size(), length));
      rebuilt.resize(length, 0);
    }
  }
  RawTable t = table_from_bytes(std::move(rebuilt), path);
  t.notes.insert(t.notes.begin(), notes.begin(), notes.end());
  return t;
}

}  // namespace atslab::io::acpi
