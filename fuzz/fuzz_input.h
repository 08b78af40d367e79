#pragma once
// Fuzz inputs that arrive as files (dumps, scenarios, replays) are written to
// a per-process temporary file first, so the real loaders run end to end; the
// file is removed when the input is done, so long runs leave nothing in /tmp.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>
#include <unistd.h>

namespace atslab::fuzz {

class InputFile {
 public:
  InputFile(const uint8_t* data, size_t size, const char* suffix)
      : path_("/tmp/atslab-fuzz-" + std::to_string(getpid()) + suffix) {
    std::ofstream(path_, std::ios::binary | std::ios::trunc)
        .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  ~InputFile() { std::remove(path_.c_str()); }
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace atslab::fuzz
