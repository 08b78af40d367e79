#include "io/lspci_dump.h"

extern "C" {
#include <pci/pci.h>
}

#include <csetjmp>
#include <cstdarg>
#include <cstdio>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <map>
#include <set>

#include "hw/pcie/capabilities.h"
#include "hw/pcie/regs.h"
#include "io/input_error.h"
#include "io/lspci_dump_lines.h"
#include "io/utf8.h"

namespace atslab::io {

namespace {

constexpr uintmax_t kMaxDumpBytes = uintmax_t{64} << 20;

struct DumpDevice {
  hw::pcie::Bdf bdf;
  std::string description;
  int line = 0;
  std::map<unsigned, int> rows;  // offsets of the 16-byte rows present -> their lines
};

// The format check: every line is a comment, blank, a device line or a 16-byte config row.
std::vector<DumpDevice> check_format(const std::string& path, std::string& source) {
  // A dump is a regular file of at most a few hundred KiB: /dev/zero would be read without end
  // and a FIFO would block (and libpci opens the file a second time).
  std::error_code ec;
  // The file name reaches the JSON, traces and notes: refused here, as a scenario's is.
  if (first_invalid_utf8(path))
    throw InputError(fmt::format("{}: the file name is not valid UTF-8 (it is written into results and JSON)", path));
  auto st = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(st)) throw InputError(fmt::format("{}: cannot open lspci dump: no such file", path));
  if (!std::filesystem::is_regular_file(st)) throw InputError(fmt::format("{}: cannot open lspci dump: not a regular file", path));
  if (std::filesystem::file_size(path, ec) > kMaxDumpBytes)
    throw InputError(fmt::format("{}: larger than {} MiB, not an lspci dump", path, kMaxDumpBytes >> 20));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(fmt::format("{}: cannot open lspci dump", path));
  std::vector<DumpDevice> devs;
  bool in_device = false;  // libpci gives rows to the last device line until an empty line
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    // Refused where libpci's reader would give up (with no line number).
    if (line.size() > kLibpciMaxLine)
      throw InputError(fmt::format("{}:{}: line longer than the {} characters libpci's dump reader takes", path, n,
                                   kLibpciMaxLine));
    if (in.eof()) throw InputError(fmt::format("{}:{}: the last line has no newline (libpci's dump reader refuses it)", path, n));
    if (!line.empty() && line.back() == '\r') line.pop_back();
    // libpci's reader stops at a NUL byte (found by fuzz_lspci): refuse it here, with the line.
    if (line.find('\0') != std::string::npos) throw InputError(fmt::format("{}:{}: contains a NUL byte", path, n));
    // Device descriptions are shown in JSON, which carries UTF-8 only.
    if (auto at = first_invalid_utf8(line))
      throw InputError(fmt::format("{}:{}:{}: not valid UTF-8 (byte {:#04x})", path, n, *at + 1,
                                   static_cast<unsigned>(static_cast<unsigned char>(line[*at]))));
    DumpLine l = classify_dump_line(path, n, line);
    switch (l.kind) {
      case DumpLine::Kind::Blank:
        in_device = false;
        break;
      case DumpLine::Kind::Text:
        break;
      case DumpLine::Kind::Comment:
        if (source.empty() && line.rfind("# source:", 0) == 0) source = line.substr(9);
        break;
      case DumpLine::Kind::Device:
        for (const auto& d : devs)
          if (d.bdf == l.bdf) throw InputError(fmt::format("{}:{}: device {} appears twice", path, n, l.bdf.str()));
        devs.push_back({l.bdf, l.description, n, {}});
        in_device = true;
        break;
      case DumpLine::Kind::Row: {
        if (devs.empty()) throw InputError(fmt::format("{}:{}: config row before any device line", path, n));
        // libpci would read it for no device: the rows of a device end at its first empty line.
        if (!in_device)
          throw InputError(fmt::format("{}:{}: config row after the empty line that ends device {} (libpci reads it "
                                       "for no device)",
                                       path, n, devs.back().bdf.str()));
        const unsigned off = l.offset;
        if (off % 16 != 0 || off >= hw::pcie::hdr::kConfigSize)
          throw InputError(fmt::format("{}:{}: config row offset {:#x} is not a multiple of 16 below 0x1000", path, n, off));
        DumpDevice& d = devs.back();
        if (d.rows.count(off)) throw InputError(fmt::format("{}:{}: config row {:#x} given twice", path, n, off));
        // lspci prints a function's rows from 0 upwards: a row below one already given is out of
        // order (a gap is found once the device's rows are all read, below).
        if (!d.rows.empty() && off < d.rows.rbegin()->first)
          throw InputError(fmt::format("{}:{}: device {}: config row {:#04x} comes after row {:#04x} (rows out of order)",
                                       path, n, d.bdf.str(), off, d.rows.rbegin()->first));
        d.rows.emplace(off, n);
        break;
      }
    }
  }
  if (in.bad()) throw InputError(fmt::format("{}: read error", path));
  if (devs.empty()) throw InputError(fmt::format("{}: no device found in lspci dump", path));
  // Complete for one of the sizes lspci prints (-x: 64, -xxx: 256, -xxxx: 4096 bytes); a dump cut short
  // would otherwise load as a smaller config space and silently lose capabilities (e.g. ATS).
  for (const auto& d : devs) {
    // Rows contiguous from 0, as lspci prints them: a gap would read back as 0xff bytes through
    // libpci. Reported at the row after the gap.
    unsigned expect = 0;
    for (const auto& [off, at] : d.rows) {
      if (off != expect)
        throw InputError(fmt::format("{}:{}: device {} lacks config row {:#04x} (row {:#04x} comes {})", path, at,
                                     d.bdf.str(), expect, off,
                                     expect ? fmt::format("after row {:#04x}", expect - 16) : std::string("first")));
      expect += 16;
    }
    const unsigned have = static_cast<unsigned>(d.rows.size()) * 16;
    if (have != 64 && have != 256 && have != hw::pcie::hdr::kConfigSize) {
      const unsigned want = have < 64 ? 64 : have < 256 ? 256 : hw::pcie::hdr::kConfigSize;
      throw InputError(fmt::format("{}:{}: device {} lacks config row {:#04x} ({} of {} bytes; lspci prints 64, "
                                   "256 or 4096)",
                                   path, d.line, d.bdf.str(), have, have, want));
    }
  }
  return devs;
}

// libpci reports fatal errors through a callback that must not return.
thread_local std::jmp_buf* g_jump = nullptr;
thread_local char g_error[256];

__attribute__((noreturn)) void on_error(char* msg, ...) {
  va_list ap;
  va_start(ap, msg);
  std::vsnprintf(g_error, sizeof g_error, msg, ap);
  va_end(ap);
  std::longjmp(*g_jump, 1);
}
void on_warning(char*, ...) {}
void on_debug(char*, ...) {}

struct RawDevice {
  uint16_t domain;
  uint8_t bus, dev, func;
  unsigned size;
  uint8_t bytes[hw::pcie::hdr::kConfigSize];
};

// Reads every device's config bytes with libpci. Returns false (g_error set) if libpci gave up.
bool read_with_libpci(const std::string& path, std::vector<RawDevice>& out) {
  std::jmp_buf jump;
  // volatile: read again after longjmp returns to the setjmp below.
  pci_access* volatile a = pci_alloc();
  a->method = PCI_ACCESS_DUMP;
  a->error = on_error;
  a->warning = on_warning;
  a->debug = on_debug;
  g_jump = &jump;
  if (setjmp(jump) != 0) {
    g_jump = nullptr;
    // libpci gave up part-way; its cleanup frees what it allocated (its error path is not reentrant, so
    // no handler is armed now: a second error inside cleanup would exit, which libpci never does there).
    pci_cleanup(a);
    return false;
  }
  pci_set_param(a, const_cast<char*>("dump.name"), const_cast<char*>(path.c_str()));
  pci_init(a);
  pci_scan_bus(a);
  for (pci_dev* d = a->devices; d; d = d->next) {
    RawDevice r{};
    r.domain = static_cast<uint16_t>(d->domain);
    r.bus = d->bus;
    r.dev = d->dev;
    r.func = d->func;
    for (unsigned size : {4096u, 256u, 64u}) {
      if (pci_read_block(d, 0, r.bytes, static_cast<int>(size))) {
        r.size = size;
        break;
      }
    }
    out.push_back(r);
  }
  pci_cleanup(a);
  g_jump = nullptr;
  return true;
}

}  // namespace

std::vector<ImportedFunction> load_lspci_dump(const std::string& path) {
  std::string source;
  std::vector<DumpDevice> devs = check_format(path, source);
  std::vector<RawDevice> raw;
  if (!read_with_libpci(path, raw)) throw InputError(fmt::format("{}: libpci: {}", path, g_error));

  std::vector<ImportedFunction> out;
  for (const auto& d : devs) {
    const RawDevice* r = nullptr;
    for (const auto& x : raw)
      if (x.domain == d.bdf.domain && x.bus == d.bdf.bus && x.dev == d.bdf.slot() && x.func == d.bdf.func()) r = &x;
    if (!r || r->size == 0)
      throw InputError(fmt::format("{}:{}: libpci could not read the config space of {}", path, d.line, d.bdf.str()));
    if (r->size != d.rows.size() * 16)
      throw InputError(fmt::format("{}:{}: libpci read {} bytes of {} where the dump has {}", path, d.line, r->size,
                                   d.bdf.str(), d.rows.size() * 16));
    ImportedFunction f;
    f.file = path;
    f.original = d.bdf;
    f.description = d.description;
    f.source = source;
    f.config_size = r->size;
    for (unsigned i = 0; i < r->size; ++i) f.cfg.poke8(static_cast<uint16_t>(i), r->bytes[i]);
    uint16_t vendor = f.cfg.read16(hw::pcie::hdr::kVendorId);
    if (vendor == 0xffff || vendor == 0x0000)
      throw InputError(fmt::format("{}:{}: device {} has vendor ID {:#06x} (no function there)", path, d.line,
                                   d.bdf.str(), vendor));
    // lspci -x holds the 64-byte header only: the capability list it points to is not in the dump,
    // and the zeros atslab would read there are no capability. The list is left out, as lspci -vvv
    // leaves it out.
    if (r->size == 64) {
      f.cfg.poke8(hw::pcie::hdr::kCapabilityList, 0);
      f.cfg.poke16(hw::pcie::hdr::kStatus,
                   static_cast<uint16_t>(f.cfg.read16(hw::pcie::hdr::kStatus) & ~hw::pcie::hdr::kStatusCapList));
    }
    if (uint16_t ats = hw::pcie::find_ext_cap(f.cfg, hw::pcie::ext_cap::kAts))
      f.dump_ats_control = f.cfg.read16(ats + hw::pcie::ats::kCtrl);
    hw::pcie::reset_control_registers(f.cfg);
    hw::pcie::apply_write_semantics(f.cfg, /*is_vf=*/false);
    auto std_walk = hw::pcie::walk_std_caps(f.cfg);
    auto ext_walk = hw::pcie::walk_ext_caps(f.cfg);
    f.defects = std_walk.defects;
    f.defects.insert(f.defects.end(), ext_walk.defects.begin(), ext_walk.defects.end());
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace atslab::io
