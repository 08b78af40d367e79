#include "io/utf8.h"

#include <fmt/format.h>

#include "io/input_error.h"

namespace atslab::io {

std::optional<size_t> first_invalid_utf8(std::string_view text) {
  const auto* b = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  for (size_t i = 0; i < n;) {
    const unsigned char c = b[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    // The length of the sequence and the range its second byte must fall in (Unicode 3.9, table 3-7).
    struct Lead {
      unsigned char first, last;  // lead bytes
      size_t len;
      unsigned char lo, hi;  // the second byte's range
    };
    static constexpr Lead kLeads[] = {{0xc2, 0xdf, 2, 0x80, 0xbf}, {0xe0, 0xe0, 3, 0xa0, 0xbf}, {0xe1, 0xec, 3, 0x80, 0xbf},
                                      {0xed, 0xed, 3, 0x80, 0x9f}, {0xee, 0xef, 3, 0x80, 0xbf}, {0xf0, 0xf0, 4, 0x90, 0xbf},
                                      {0xf1, 0xf3, 4, 0x80, 0xbf}, {0xf4, 0xf4, 4, 0x80, 0x8f}};
    const Lead* lead = nullptr;
    for (const auto& l : kLeads)
      if (c >= l.first && c <= l.last) lead = &l;
    if (!lead) return i;
    const size_t len = lead->len;
    const unsigned char lo = lead->lo, hi = lead->hi;
    if (i + len > n || b[i + 1] < lo || b[i + 1] > hi) return i;
    for (size_t k = 2; k < len; ++k)
      if (b[i + k] < 0x80 || b[i + k] > 0xbf) return i;
    i += len;
  }
  return std::nullopt;
}

std::optional<size_t> first_control_character(std::string_view text) {
  for (size_t i = 0; i < text.size(); ++i)
    if (static_cast<unsigned char>(text[i]) < 0x20 || text[i] == 0x7f) return i;
  return std::nullopt;
}

void require_utf8(std::string_view text, const std::string& what) {
  if (auto at = first_invalid_utf8(text))
    throw InputError(fmt::format("{}: not valid UTF-8 (byte {:#04x} at offset {})", what,
                                 static_cast<unsigned>(static_cast<unsigned char>(text[*at])), *at));
}

}  // namespace atslab::io
