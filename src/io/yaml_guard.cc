#include "io/yaml_guard.h"

namespace atslab::io {
namespace {

bool blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }
bool ends_token(std::string_view t, size_t i) { return i >= t.size() || blank(t[i]) || t[i] == '\n'; }

}  // namespace

std::optional<YamlHang> yaml_cpp_hang(std::string_view t) {
  size_t line = 1, bol = 0;
  bool at_root = true;  // before the current document's root node
  size_t i = 0;
  while (i < t.size()) {
    const char c = t[i];
    if (c == '\n') {
      ++line;
      bol = ++i;
      continue;
    }
    const bool line_start = i == bol;
    // Document markers at column 0 start a new document (its root comes next).
    if (line_start && (t.substr(i, 3) == "---" || t.substr(i, 3) == "...") && ends_token(t, i + 3)) {
      at_root = true;
      i += 3;
      continue;
    }
    if (!at_root) {  // skip to the next line: only a marker can bring back a root position
      while (i < t.size() && t[i] != '\n') ++i;
      continue;
    }
    if (blank(c)) {
      ++i;
      continue;
    }
    if (c == '#' || (line_start && c == '%')) {  // a comment, or a directive
      while (i < t.size() && t[i] != '\n') ++i;
      continue;
    }
    if (c == '&' || c == '!') {  // node properties before the root's content
      while (!ends_token(t, i)) ++i;
      continue;
    }
    if (c == ',') return YamlHang{line, i - bol + 1, "a document cannot start with ','"};
    at_root = false;
  }
  return std::nullopt;
}

}  // namespace atslab::io
