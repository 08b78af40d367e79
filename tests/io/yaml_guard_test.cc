// Inputs on which yaml-cpp 0.7's LoadAll never returns are refused where its parser stops, and
// nothing valid is: each stuck case below was timed against YAML::LoadAll (it ran past 3 s).
#include <gtest/gtest.h>
#include <yaml-cpp/exceptions.h>

#include "io/input_error.h"
#include "io/scenario.h"
#include "io/yaml_guard.h"
#include "../support/temp_file.h"

namespace atslab::io {
namespace ATSLAB_UNITY_ID {
namespace {

// Whether the probe found the parser stuck; yaml-cpp's own parse errors (thrown) are not.
bool stuck(const std::string& text) {
  try {
    return probe_yaml_documents(text).stuck_at.has_value();
  } catch (const YAML::Exception&) {
    return false;
  }
}

TEST(YamlGuard, WhereTheParserStopsIsFoundAndNamed) {
  for (const char* text : {",", ",name: x\nmachine:\n  {[1]: 2}\n", "# c\n,a\n", "\n\n  ,a\n", "x: 1\n---\n,a\n",
                           "%YAML 1.2\n---\n,a\n", "x: 1\n...\n,a\n", "&a ,b\n", "!t ,b\n", "--- ,a\n",
                           // An anchor's name ends at ',', so the root starts with it (found by fuzz_scenario in CI).
                           "&able, dev~["}) {
    auto d = probe_yaml_documents(text);
    ASSERT_TRUE(d.stuck_at.has_value()) << text;
    EXPECT_EQ(d.stuck_what, "a node cannot start with ','") << text;
  }
  auto d = probe_yaml_documents("x: 1\n---\n  ,a\n");
  ASSERT_TRUE(d.stuck_at.has_value());
  EXPECT_EQ(d.stuck_at->line, 3u);
  EXPECT_EQ(d.stuck_at->column, 3u);
  d = probe_yaml_documents("&able, dev~[");
  ASSERT_TRUE(d.stuck_at.has_value());
  EXPECT_EQ(d.stuck_at->line, 1u);
  EXPECT_EQ(d.stuck_at->column, 6u);
}

TEST(YamlGuard, CommasYamlCppParsesAreLeftToIt) {
  // Each of these returns from yaml-cpp (as data or as its own parse error, thrown).
  for (const char* text : {"a: ,b\n", "x\n,a\n", "- ,b\n", "a:\n  ,b: 1\n", "[,]\n", "a: [,b]\n", "\",a\": 1\n",
                           "a:\n  &x ,b\n", "- - ,b\n", "? ,b\n", "a: |\n  ,b\n", "name: seed # ,x\n", "&a,b: 1\n"})
    EXPECT_FALSE(stuck(text)) << text;
}

TEST(YamlGuard, DocumentsAreCountedToTwo) {
  EXPECT_EQ(probe_yaml_documents("").count, 0u);
  EXPECT_EQ(probe_yaml_documents("# only a comment\n").count, 0u);
  EXPECT_EQ(probe_yaml_documents("a: 1\n").count, 1u);
  auto d = probe_yaml_documents("a: 1\n---\nb: 2\n---\nc: 3\n---\nd: 4\n");
  EXPECT_EQ(d.count, 2u);
  EXPECT_FALSE(d.stuck_at.has_value());
  EXPECT_EQ(d.second.line, 3u);
  EXPECT_EQ(d.second.column, 1u);
}

TEST(YamlGuard, TheScenarioLoaderRefusesItWithFileLineAndColumn) {
  for (const auto& [text, where] : std::vector<std::pair<std::string, std::string>>{
           {",name: x\nmachine:\n  {[1]: 2}\n", "hang.yaml:1:1: not valid YAML: a node cannot start with ','"},
           {"&able, dev~[", "hang.yaml:1:6: not valid YAML: a node cannot start with ','"}}) {
    const auto path = test::write_temp("hang.yaml", text);
    try {
      load_scenario(path);
      FAIL() << "loaded: " << text;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(where), std::string::npos) << e.what();
    }
  }
}

// yaml-cpp starts a second document at '---', and also, with no marker, at a line that fits
// nowhere in the first (here a quoted scalar at column 0 inside a block sequence's mapping).
TEST(YamlGuard, TheLoaderTellsASecondMarkerFromALineThatFitsNowhere) {
  const auto error_of = [](const std::string& text) {
    try {
      load_scenario(test::write_temp("docs.yaml", text));
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("loaded");
  };
  EXPECT_NE(error_of("name: a\n---\nname: b\n").find("docs.yaml:3:1: (document 2): a scenario file holds one YAML document "
                                                     "(remove the second '---')"),
            std::string::npos);
  EXPECT_NE(error_of("--- a\n--- b\n").find("docs.yaml:2:5: (document 2): a scenario file holds one YAML document "
                                                       "(remove the second '---')"),
            std::string::npos);
  const auto e = error_of("- a: x\n  b:\n    (c (\n\"/x\",\n    \"-c\"\n    )\n");
  EXPECT_NE(e.find("docs.yaml:4:1: (document 2): a scenario file holds one YAML document (yaml-cpp ended the first one "
                   "before this line, which fits nowhere in it: check its indentation)"),
            std::string::npos)
      << e;
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::io
