#pragma once
// What one line of an lspci dump is, as libpci's dump reader (lib/dump.c) sees it.
//
// People publish `lspci -vvvxxxx` (the form bug reports and hardware-probe collections
// carry): a device line, lspci's decoded text indented under it, then the hex rows.
// libpci takes the device lines and the rows and skips everything else; atslab takes the
// same lines, skips the same text, and refuses (with the line) only what would make libpci
// give up or read something other than what the dump shows.
#include <optional>
#include <string>

#include "hw/pcie/bdf.h"

namespace atslab::io {

// libpci reads a line into a 256-byte buffer with fgets(buf, 255): 253 characters and the
// newline fit (a CR counts); a longer line, or a last line without a newline, it refuses.
inline constexpr size_t kLibpciMaxLine = 253;

struct DumpLine {
  enum class Kind {
    Blank,    // ends the current device for libpci: a row after it belongs to none
    Comment,  // '#', as the dumps in ../shared/data/lspci carry their source
    Text,     // lspci -v/-vv/-vvv output (indented), or lspci's own messages: skipped
    Device,   // "[DDDD:]BB:DD.F description"
    Row,      // "OFF: hh hh ..." (16 bytes, as lspci prints them)
  } kind;
  hw::pcie::Bdf bdf;        // Device
  std::string description;  // Device: lspci's text after the address
  unsigned offset = 0;      // Row
  std::string comment;      // Comment: the text after '#'
};

// Throws InputError "PATH:LINE: ..." for a line libpci would refuse or misread, or one that
// is none of the above (a line lspci never prints unindented).
DumpLine classify_dump_line(const std::string& path, int n, const std::string& line);

}  // namespace atslab::io
