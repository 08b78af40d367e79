// Inputs on which yaml-cpp 0.7 never returns are refused before it sees them, and nothing
// valid is: each hanging case below was timed against the library (it ran past 3 s).
#include <gtest/gtest.h>

#include "io/input_error.h"
#include "io/scenario.h"
#include "io/yaml_guard.h"
#include "../support/temp_file.h"

namespace atslab::io {
namespace {

TEST(YamlGuard, ARootStartingWithACommaIsFoundWhereItIs) {
  for (const char* text : {",", ",name: x\nmachine:\n  {[1]: 2}\n", "# c\n,a\n", "\n\n  ,a\n", "x: 1\n---\n,a\n",
                           "%YAML 1.2\n---\n,a\n", "x: 1\n...\n,a\n", "&a ,b\n", "!t ,b\n"}) {
    auto h = yaml_cpp_hang(text);
    ASSERT_TRUE(h.has_value()) << text;
    EXPECT_EQ(h->what, "a document cannot start with ','");
  }
  // A root on the marker's own line is a root too (refused: no valid YAML starts a node with ',').
  EXPECT_TRUE(yaml_cpp_hang("--- ,a\n").has_value());
  auto h = yaml_cpp_hang("x: 1\n---\n  ,a\n");
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->line, 3u);
  EXPECT_EQ(h->column, 3u);
}

TEST(YamlGuard, CommasYamlCppParsesAreLeftToIt) {
  // Each of these returns from yaml-cpp (as data or as its own parse error).
  for (const char* text : {"a: ,b\n", "x\n,a\n", "- ,b\n", "a:\n  ,b: 1\n", "[,]\n", "a: [,b]\n", "\",a\": 1\n",
                           "a:\n  &x ,b\n", "- - ,b\n", "? ,b\n", "a: |\n  ,b\n", "name: seed # ,x\n"})
    EXPECT_FALSE(yaml_cpp_hang(text).has_value()) << text;
}

TEST(YamlGuard, TheScenarioLoaderRefusesItWithFileLineAndColumn) {
  const auto path = test::write_temp("hang.yaml", ",name: x\nmachine:\n  {[1]: 2}\n");
  try {
    load_scenario(path);
    FAIL() << "loaded";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("hang.yaml:1:1: not valid YAML: a document cannot start with ','"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace atslab::io
