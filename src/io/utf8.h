#pragma once
// Text that reaches JSON, traces, replay files and HTML must be UTF-8: nlohmann::json refuses
// to write anything else (after all the work was done), and a browser shows it as mojibake.
// atslab refuses such input where it is read, naming where the bad byte is.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace atslab::io {

// The offset of the first byte that does not belong to a well-formed UTF-8 sequence
// (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF), if any.
std::optional<size_t> first_invalid_utf8(std::string_view text);

// The offset of the first C0 control character or DEL, if any: text quoted in a one-line message
// or printed to a terminal (a newline splits the line; an escape sequence acts on the terminal).
std::optional<size_t> first_control_character(std::string_view text);

// Throws InputError "WHAT: not valid UTF-8 (byte 0xFF at offset N)" unless `text` is UTF-8.
void require_utf8(std::string_view text, const std::string& what);

}  // namespace atslab::io
