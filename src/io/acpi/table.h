#pragma once
// An ACPI table as a host has it: the binary /sys/firmware/acpi/tables/<SIG> holds and
// `acpixtract` writes, or the `iasl -d` disassembly people publish, rebuilt into that binary.
// The readers of IORT, DMAR and IVRS (iort.h, dmar.h, ivrs.h) take the binary; every
// malformed input is an InputError naming the file and what is wrong, never a crash.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace atslab::io::acpi {

// The 36-byte header every ACPI table starts with (ACPICA's struct acpi_table_header).
struct TableHeader {
  std::string signature;     // 4 characters: "IORT", "DMAR", "IVRS"
  uint32_t length = 0;       // the whole table, header included
  uint8_t revision = 0;
  uint8_t checksum = 0;
  std::string oem_id;        // 6 characters, trailing spaces and NULs dropped
  std::string oem_table_id;  // 8 characters, likewise
  uint32_t oem_revision = 0;
};
inline constexpr size_t kHeaderSize = 36;
// No IORT, DMAR or IVRS comes near this; anything longer is refused before it is read.
inline constexpr size_t kMaxTableBytes = size_t{1} << 20;

// A table's bytes, `header.length` of them, and what was noticed on the way (a bad checksum,
// bytes the disassembly did not give), each a sentence for a `note:` line.
struct RawTable {
  std::string source;  // the file name, for messages
  TableHeader header;
  std::vector<uint8_t> bytes;
  std::vector<std::string> notes;
};

// Checks the header: a signature of 4 printable characters, a length of at least the header,
// at most kMaxTableBytes, and at most the bytes given (bytes past it are dropped, with a note), and the checksum (a
// mismatch is a note: Linux itself only warns).
RawTable table_from_bytes(std::vector<uint8_t> bytes, const std::string& source);

// `iasl -d` text to the table's bytes. Lines `[OFFh DEC LEN] Field Name : value` put value at
// the offset: a hex number (little-endian in LEN bytes), a quoted string, or hex bytes
// separated by spaces or commas; a value in brackets names a substructure whose fields follow.
// Other lines (iasl's comments, decoded flags, a diff's context) are skipped, as is a first
// line starting with '#' (the `# source:` line of tests/data). When the text ends with iasl's
// "Raw Table Data" hex dump, that dump is the table (it has what the field lines cannot show:
// subtables this iasl did not know).
std::vector<uint8_t> text_to_bytes(std::string_view text, const std::string& source);

// Reads FILE, binary or text (told apart by the first bytes), into a checked table.
RawTable load_table(const std::string& path);

// Little-endian reads inside a table, each bounds-checked: a read past `limit` throws
// InputError naming `what` and the offset.
class Cursor {
 public:
  Cursor(const RawTable& t) : t_(t) {}
  uint8_t u8(size_t off, std::string_view what) const;
  uint16_t u16(size_t off, std::string_view what) const;
  uint32_t u32(size_t off, std::string_view what) const;
  uint64_t u64(size_t off, std::string_view what) const;
  // Throws unless [off, off + len) lies inside the table.
  void need(size_t off, uint64_t len, std::string_view what) const;
  size_t size() const { return t_.bytes.size(); }
  [[noreturn]] void fail(const std::string& msg) const;

 private:
  const RawTable& t_;
};

}  // namespace atslab::io::acpi
