// Output files: written through symbolic links to the real file, never over a
// directory, FIFO or device, atomically via a unique temporary that never survives.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "io/input_error.h"
#include "io/output_file.h"

namespace atslab::io {
namespace ATSLAB_UNITY_ID {
namespace {

namespace fs = std::filesystem;

class OutputFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("atslab-output-test-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  static std::string read(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  // Every entry in the directory: a leftover temporary would show up here.
  size_t entries() const { return static_cast<size_t>(std::distance(fs::directory_iterator(dir_), fs::directory_iterator())); }
  std::string error_of(const fs::path& p) {
    try {
      write_file_atomic(p.string(), "new");
    } catch (const InputError& e) {
      return e.what();
    }
    ADD_FAILURE() << "wrote " << p;
    return "";
  }
  fs::path dir_;
};

TEST_F(OutputFile, WritesANewFileWithTheUsualMode) {
  write_file_atomic((dir_ / "out.json").string(), "hello");
  EXPECT_EQ(read(dir_ / "out.json"), "hello");
  EXPECT_EQ(entries(), 1u);
  mode_t mask = ::umask(0);
  ::umask(mask);
  struct stat st;
  ASSERT_EQ(::stat((dir_ / "out.json").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0666 & ~mask) << "not mkstemp's 0600";
}

TEST_F(OutputFile, ReplacingKeepsTheFilesModeAndLeavesNeighboursAlone) {
  std::ofstream(dir_ / "out.json") << "old";
  fs::permissions(dir_ / "out.json", fs::perms(0640));
  std::ofstream(dir_ / "out.json.tmp") << "someone else's";
  write_file_atomic((dir_ / "out.json").string(), "new");
  EXPECT_EQ(read(dir_ / "out.json"), "new");
  EXPECT_EQ(fs::status(dir_ / "out.json").permissions(), fs::perms(0640));
  EXPECT_EQ(read(dir_ / "out.json.tmp"), "someone else's") << "the old fixed temporary name clobbered this";
  EXPECT_EQ(entries(), 2u);
}

TEST_F(OutputFile, WritesThroughASymlinkToItsTarget) {
  fs::create_directories(dir_ / "real");
  std::ofstream(dir_ / "real" / "target.json") << "old";
  fs::create_symlink("real/target.json", dir_ / "link.json");
  write_file_atomic((dir_ / "link.json").string(), "new");
  EXPECT_TRUE(fs::is_symlink(dir_ / "link.json")) << "the link itself was replaced";
  EXPECT_EQ(read(dir_ / "real" / "target.json"), "new");
  EXPECT_EQ(static_cast<size_t>(std::distance(fs::directory_iterator(dir_ / "real"), fs::directory_iterator())), 1u);
}

TEST_F(OutputFile, ADanglingSymlinkCreatesItsTarget) {
  fs::create_symlink("made.json", dir_ / "link.json");
  write_file_atomic((dir_ / "link.json").string(), "new");
  EXPECT_TRUE(fs::is_symlink(dir_ / "link.json"));
  EXPECT_EQ(read(dir_ / "made.json"), "new");
}

TEST_F(OutputFile, RefusesADirectoryAFifoAndASymlinkToOne) {
  fs::create_directories(dir_ / "sub");
  ASSERT_EQ(::mkfifo((dir_ / "fifo").c_str(), 0600), 0);
  fs::create_symlink("fifo", dir_ / "to-fifo");
  EXPECT_NE(error_of(dir_ / "sub").find("it is a directory"), std::string::npos) << error_of(dir_ / "sub");
  EXPECT_NE(error_of(dir_ / "fifo").find("it is a FIFO"), std::string::npos) << error_of(dir_ / "fifo");
  EXPECT_NE(error_of(dir_ / "to-fifo").find("it is a FIFO"), std::string::npos) << error_of(dir_ / "to-fifo");
  EXPECT_TRUE(fs::is_fifo(dir_ / "fifo")) << "replaced by a regular file";
  EXPECT_TRUE(fs::is_directory(dir_ / "sub"));
  EXPECT_EQ(entries(), 3u) << "a temporary was left behind";
  EXPECT_THROW(resolve_output_path((dir_ / "fifo").string()), InputError) << "refused before a run, too";
}

TEST_F(OutputFile, RefusesAMissingDirectoryAndASymlinkLoop) {
  EXPECT_NE(error_of(dir_ / "nosuch" / "out.json").find("no such directory"), std::string::npos)
      << error_of(dir_ / "nosuch" / "out.json");
  // A file where the folder should be is another thing, and said as such.
  std::ofstream(dir_ / "plain") << "x";
  EXPECT_NE(error_of(dir_ / "plain" / "out.json").find("is not a directory"), std::string::npos)
      << error_of(dir_ / "plain" / "out.json");
  fs::create_symlink("b", dir_ / "a");
  fs::create_symlink("a", dir_ / "b");
  EXPECT_NE(error_of(dir_ / "a").find("too many levels of symbolic links"), std::string::npos);
}

TEST_F(OutputFile, CheckOutputDirRefusesAFileAndAMissingDirectory) {
  std::ofstream(dir_ / "file") << "x";
  EXPECT_THROW(check_output_dir((dir_ / "file").string()), InputError);
  EXPECT_THROW(check_output_dir((dir_ / "nosuch").string()), InputError);
  EXPECT_NO_THROW(check_output_dir(dir_.string()));
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::io
