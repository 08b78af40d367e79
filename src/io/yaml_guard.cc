#include "io/yaml_guard.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <fmt/format.h>

#include <sstream>

namespace atslab::io {
namespace {

// Records where each document's first node starts; nothing else of the document is kept.
class FirstNodeMarks final : public YAML::EventHandler {
 public:
  std::optional<YAML::Mark> first;  // of the document being read

  void OnDocumentStart(const YAML::Mark&) override { first.reset(); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& m, YAML::anchor_t) override { note(m); }
  void OnAlias(const YAML::Mark& m, YAML::anchor_t) override { note(m); }
  void OnScalar(const YAML::Mark& m, const std::string&, YAML::anchor_t, const std::string&) override { note(m); }
  void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    note(m);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override { note(m); }
  void OnMapEnd() override {}

 private:
  void note(const YAML::Mark& m) {
    if (!first) first = m;
  }
};

YamlMark one_based(const YAML::Mark& m) {
  return {static_cast<size_t>(m.line) + 1, static_cast<size_t>(m.column) + 1};
}

std::string unexpected(const std::string& text, const YAML::Mark& m) {
  const auto pos = static_cast<size_t>(m.pos);
  if (m.pos < 0 || pos >= text.size()) return "yaml-cpp cannot read on from here";
  const unsigned char c = static_cast<unsigned char>(text[pos]);
  if (c >= 0x21 && c < 0x7f) return fmt::format("a node cannot start with '{}'", static_cast<char>(c));
  return "yaml-cpp cannot read on from here";
}

}  // namespace

YamlDocuments probe_yaml_documents(const std::string& text) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  FirstNodeMarks marks;
  YamlDocuments out;
  std::optional<YAML::Mark> previous;
  // A parser that consumed nothing hands back the same node at the same place: that is the loop.
  // Reading one document past the second tells a second document from a stuck parser there.
  for (size_t read = 0; read < 3 && parser.HandleNextDocument(marks); ++read) {
    const auto here = marks.first;
    if (here && previous && here->pos == previous->pos) {
      out.stuck_at = one_based(*here);
      out.stuck_what = unexpected(text, *here);
      return out;
    }
    if (out.count < 2) {
      ++out.count;
      if (out.count == 1 && here) out.first = one_based(*here);
      if (out.count == 2 && here) out.second = one_based(*here);
    }
    previous = here;
  }
  return out;
}

}  // namespace atslab::io
