#include "io/lspci_dump_lines.h"

#include <fmt/format.h>

#include <regex>

#include "io/input_error.h"

namespace atslab::io {

namespace {
constexpr const char* kHex = "[0-9a-fA-F]";
}  // namespace

DumpLine classify_dump_line(const std::string& path, int n, const std::string& line) {
  if (line.empty()) return {DumpLine::Kind::Blank, {}, {}, 0, {}};
  if (line[0] == '#') return {DumpLine::Kind::Comment, {}, {}, 0, line.substr(1)};
  // Everything lspci -v/-vv/-vvv prints under a device is indented (a tab, or spaces once
  // pasted through a web page); libpci skips it. A line of spaces alone is text too: libpci
  // ends a device only at an empty line.
  if (line[0] == ' ' || line[0] == '\t') return {DumpLine::Kind::Text, {}, {}, 0, {}};
  // lspci's and libpci's own messages, in a file written with 2>&1 (a VPD read failing, no
  // kernel modules to name): not indented, and skipped by libpci like any text.
  if (line.rfind("pcilib: ", 0) == 0 || line.rfind("lspci: ", 0) == 0) return {DumpLine::Kind::Text, {}, {}, 0, {}};

  static const std::regex device_re(fmt::format(R"(^((?:{0}{{4}}:)?{0}{{2}}:{0}{{2}}\.[0-7]) (.*)$)", kHex));
  static const std::regex bare_device_re(fmt::format(R"(^(?:{0}{{4}}:)?{0}{{2}}:{0}{{2}}\.[0-7]\s*$)", kHex));
  static const std::regex wide_domain_re(fmt::format(R"(^{0}{{5}}:{0}{{2}}:{0}{{2}}\.[0-7] )", kHex));
  static const std::regex row_re(fmt::format(R"(^({0}{{2,8}}):((?: {0}{{2}}){{16}})(\s*)$)", kHex));
  std::smatch m;
  if (std::regex_match(line, m, device_re)) {
    auto bdf = hw::pcie::parse_bdf(m[1].str());
    if (!bdf) throw InputError(fmt::format("{}:{}: bad device address '{}'", path, n, m[1].str()));
    return {DumpLine::Kind::Device, *bdf, m[2].str(), 0, {}};
  }
  // libpci takes a device line only with a space after the address; without one it would skip
  // the line and give the rows below it to the device above.
  if (std::regex_match(line, bare_device_re))
    throw InputError(fmt::format("{}:{}: a device address alone on its line (lspci prints its description after a space)",
                                 path, n));
  // libpci reads five-digit domains (Intel VMD puts its devices in 10000 and up); PCI segments here are 16-bit.
  if (std::regex_search(line, wide_domain_re))
    throw InputError(fmt::format("{}:{}: PCI domain above ffff (a VMD domain): atslab models 16-bit segments only", path, n));
  if (std::regex_match(line, m, row_re)) {
    // libpci allows a single space after a row's last byte and refuses more, without a line number: say where.
    if (m[3].length() && m[3].str() != " ")
      throw InputError(fmt::format("{}:{}: trailing whitespace after the 16 bytes of a config row (libpci allows one space)",
                                   path, n));
    unsigned long off = std::stoul(m[1].str(), nullptr, 16);
    return {DumpLine::Kind::Row, {}, {}, static_cast<unsigned>(off), {}};
  }
  throw InputError(fmt::format("{}:{}: expected a device line (BB:DD.F ...), a config row (OFF: 16 hex bytes), indented "
                               "lspci -v text or a '#' comment",
                               path, n));
}

}  // namespace atslab::io
