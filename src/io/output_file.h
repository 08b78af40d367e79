#pragma once
// Output files (reports, traces, replay files): refused before a run when they
// cannot be written, and never left half-written after one.
#include <string>

namespace atslab::io {

// The file a write to `path` lands in: symbolic links followed to their end (a
// dangling link names the file it would create). Throws InputError when that
// file exists and is not a regular file (a directory, FIFO, socket or device:
// renaming over it would replace it, and writing into it is not atomic), when
// its directory is missing or not writable, or when the links loop.
std::string resolve_output_path(const std::string& path);

// Writes `text` to `path` atomically: a temporary file made with mkstemp next
// to the resolved target, then renamed over it. On any failure the temporary
// file is removed, the target is left as it was, and InputError is thrown.
void write_file_atomic(const std::string& path, const std::string& text);

// Refuses a directory for output files (e.g. --replay-dir) that is missing or not writable.
void check_output_dir(const std::string& dir);

}  // namespace atslab::io
