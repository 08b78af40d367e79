#pragma once
// Fuzz inputs that arrive as files (dumps, scenarios, replays) are written to
// a per-process temporary file first, so the real loaders run end to end.
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>
#include <unistd.h>

namespace atslab::fuzz {

inline std::string as_file(const uint8_t* data, size_t size, const char* suffix) {
  std::string path = "/tmp/atslab-fuzz-" + std::to_string(getpid()) + suffix;
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  return path;
}

}  // namespace atslab::fuzz
