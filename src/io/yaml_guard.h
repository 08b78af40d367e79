#pragma once
// Debian 12's yaml-cpp (0.7) reads documents in a loop that never ends when its parser stops
// consuming input: YAML::LoadAll then appends a null document forever, allocating until the OOM
// killer comes (",name: x" and "&a, b" did it in atslab; upstream yaml-cpp #1319 fixed the loop
// after 0.7). This drives yaml-cpp's own parser document by document and stops where it does.
#include <optional>
#include <string>
#include <string_view>

namespace atslab::io {

struct YamlMark {
  size_t line = 0, column = 0;  // 1-based
};

struct YamlDocuments {
  // Documents read, counting stops at 2 (a scenario file holds one).
  size_t count = 0;
  YamlMark first, second;  // where the first and second documents' first nodes are, when read
  // Where yaml-cpp's parser stopped consuming input, and why: the same node read twice.
  std::optional<YamlMark> stuck_at;
  std::string stuck_what;
};

// Parses `text` with yaml-cpp's event parser (no nodes are built). Throws what yaml-cpp throws
// (YAML::ParserException and its kin) for the errors it reports itself.
YamlDocuments probe_yaml_documents(const std::string& text);

}  // namespace atslab::io
