#pragma once
// The scratch directory of this test process: under $TMPDIR, named by the process (ctest runs
// test processes in parallel, and they would all write the same names), made on first use and
// removed with everything in it when the process exits. ctest starts each test case as a process
// of its own, so a per-process directory left behind is one per case per run: /tmp of a
// developer's machine once held more than a thousand of them.
#include <filesystem>
#include <string>
#include <system_error>
#include <unistd.h>

namespace atslab::test {

// `sub`: a folder of its own for one helper, so that two helpers writing the same file name
// (every scenario test writes s.yaml) in one process do not meet.
inline std::filesystem::path process_temp_dir(const std::string& sub = "") {
  struct Dir {
    std::filesystem::path path =
        std::filesystem::temp_directory_path() / ("atslab-test-" + std::to_string(::getpid()));
    ~Dir() {
      std::error_code ec;  // at exit: nothing to report to, and a test's verdict is already given
      std::filesystem::remove_all(path, ec);
    }
  };
  static const Dir dir;  // an inline function's static: one per process across the unity batches
  auto p = sub.empty() ? dir.path : dir.path / sub;
  std::filesystem::create_directories(p);
  return p;
}

}  // namespace atslab::test
