#pragma once
// Text for HTML and inline SVG: the characters markup gives meaning to, as entities (attribute
// values are always double-quoted, so the apostrophe stays).
#include <string>
#include <string_view>

namespace atslab::io {

inline std::string html_escape(std::string_view s) {
  std::string o;
  o.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      default: o += c;
    }
  }
  return o;
}

}  // namespace atslab::io
