// Replay files and explore results: strict JSON (no duplicate keys, no unknown
// fields, numbers in range), every error one line naming the file.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "io/explore_json.h"
#include "io/input_error.h"
#include "io/replay_file.h"
#include "../support/temp_dir.h"

namespace atslab::io {
namespace ATSLAB_UNITY_ID {
namespace {

namespace fs = std::filesystem;

fs::path temp_dir() {
  return atslab::test::process_temp_dir("replay");
}

std::string write_temp(const std::string& name, const std::string& text) {
  auto p = temp_dir() / name;
  std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
  return p.string();
}

const std::string kSeed = std::string(ATSLAB_SOURCE_DIR) + "/scenarios/seed.yaml";

std::string replay_error(const std::string& text) {
  std::string path = write_temp("r.json", text);
  try {
    load_replay(path);
  } catch (const InputError& e) {
    std::string m = e.what();
    EXPECT_EQ(m.rfind(path, 0), 0u) << m;
    EXPECT_EQ(m.find('\n'), std::string::npos) << m;
    return m.substr(path.size());
  }
  ADD_FAILURE() << "accepted: " << text;
  return "";
}

TEST(ReplayFile, LoadsAWellFormedFile) {
  auto r = load_replay(write_temp("ok.json", R"({"scenario":")" + kSeed + R"(","variant":"rollback","seed":7,"faults":"pci_enable_ats:nth=1",
    "ops":[{"op":"sriov_enable","device":"pf","count":2}]})"));
  EXPECT_EQ(r.seed, 7u);
  EXPECT_EQ(r.faults, "pci_enable_ats:nth=1");
  ASSERT_EQ(r.ops.size(), 1u);
  EXPECT_EQ(r.ops[0].device, "pf");
  EXPECT_EQ(r.ops[0].count, 2u);
}

// fuzz_replay's crash: nlohmann throws out_of_range (not parse_error) for a number that overflows a double.
TEST(ReplayFile, ANumberOutOfRangeIsBadInputNamingItsLine) {
  EXPECT_EQ(replay_error(R"({"a":1e400})"), ":1:11: number overflow parsing '1e400'");
  EXPECT_NE(replay_error("{\"scenario\":\"s\",\n\"seed\":1e400}").find(":2:"), std::string::npos);
}

TEST(ReplayFile, NotValidJsonNamesLineAndColumn) {
  EXPECT_EQ(replay_error("{\n  \"scenario\": ,\n}"), ":2:15: not valid JSON");
}

TEST(ReplayFile, ADuplicateKeyIsAnErrorNamingIt) {
  EXPECT_EQ(replay_error("{\"scenario\":\"s\",\n \"variant\":\"upstream\",\n \"variant\":\"rollback\",\"ops\":[]}"),
            ":3:11: key 'variant' given twice in one object");
  EXPECT_NE(replay_error(R"({"scenario":"s","variant":"upstream","ops":[{"op":"sriov_enable","device":"a","device":"b"}]})")
                .find("key 'device' given twice"),
            std::string::npos);
}

TEST(ReplayFile, UnknownFieldsAreErrors) {
  EXPECT_EQ(replay_error(R"({"scenario":"s","variant":"upstream","ops":[{"op":"sriov_enable","devcie":"pf"}]})"),
            ": ops[0]: unknown field 'devcie' (expected one of: op, device, count, fault, interleave)");
  EXPECT_NE(replay_error(R"({"scenario":"s","variant":"upstream","ops":[],"extra":1})").find("unknown field 'extra'"),
            std::string::npos);
  EXPECT_NE(replay_error(R"({"scenario":"s","variant":"upstream","ops":[{"op":"sriov_enable","device":"pf",
    "interleave":{"at":"attach_after_ste","op":{"op":"sriov_disable","device":"pf"},"when":1}}]})")
                .find("ops[0].interleave: unknown field 'when'"),
            std::string::npos);
}

TEST(ReplayFile, ABadFaultPlanNamesTheFileAndField) {
  EXPECT_NE(replay_error(R"({"scenario":"s","variant":"upstream","faults":"bogus:nth=x","ops":[]})").find(": field 'faults': fault plan:"),
            std::string::npos);
  EXPECT_NE(replay_error(R"({"scenario":"s","variant":"upstream","faults":"pci_enable_ats:p=7","ops":[]})").find("field 'faults'"),
            std::string::npos);
}

TEST(ReplayFile, ADirectoryOrAFifoIsRefusedWithoutReadingIt) {
  auto dir = temp_dir() / "d";
  fs::create_directories(dir);
  EXPECT_THROW(load_replay(dir.string()), InputError);
  auto fifo = temp_dir() / "fifo";
  fs::remove(fifo);
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_THROW(load_replay(fifo.string()), InputError) << "would block opening a FIFO";
  EXPECT_THROW(merge_explore({dir.string()}), InputError);
}

TEST(ExploreShard, ParsesOnlyPlainKOverN) {
  EXPECT_EQ(parse_shard("0/2"), (std::pair<unsigned, unsigned>{0, 2}));
  EXPECT_EQ(parse_shard("65535/65536"), (std::pair<unsigned, unsigned>{65535, 65536}));
  for (const char* bad : {"0/-2", "0/2xyz", "-1/2", "+0/2", "0/ 2", " 0/2", "2/2", "0/0", "0/65537", "0/4294967295",
                          "0/99999999999", "0", "/2", "0/", "a/b", "0//2", ""})
    EXPECT_FALSE(parse_shard(bad)) << bad;
}

std::string shard_result(const std::string& shard) {
  return R"({"results":[{"scenario":"s.yaml","variant":"upstream","shard":")" + shard +
         R"(","depth":2,"depth_reached":2,"states":1,"unique":1,"revisits":0,"seconds":0.1,"exhausted":true,"violations":[]}]})";
}

TEST(ExploreMerge, AHugeShardCountIsRefusedAtOnce) {
  auto start = std::chrono::steady_clock::now();
  try {
    merge_explore({write_temp("m.json", shard_result("0/4294967295"))});
    ADD_FAILURE() << "accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("bad shard '0/4294967295'"), std::string::npos) << e.what();
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(ExploreMerge, MissingShardsAreNamedUpToFive) {
  try {
    merge_explore({write_temp("m.json", shard_result("3/65536"))});
    ADD_FAILURE() << "accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("shards missing for upstream: 0/65536, 1/65536, 2/65536, 4/65536, 5/65536 and 65530 more"),
              std::string::npos)
        << e.what();
  }
}

TEST(ExploreMerge, OutOfRangeNumbersAreBadInput) {
  auto text = shard_result("0/1");
  for (auto [from, to] : {std::pair{"\"depth_reached\":2", "\"depth_reached\":1099511627776"},
                          std::pair{"\"violations\":[]", "\"violations\":[{\"invariant\":1099511627776,\"length\":1}]"},
                          std::pair{"\"states\":1", "\"states\":-1"}, std::pair{"\"seconds\":0.1", "\"seconds\":1e400"}}) {
    std::string t = text;
    t.replace(t.find(from), std::string(from).size(), to);
    EXPECT_THROW(merge_explore({write_temp("m.json", t)}), InputError) << to;
  }
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::io
