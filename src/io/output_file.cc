#include "io/output_file.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/input_error.h"
#include "io/utf8.h"

namespace atslab::io {

namespace fs = std::filesystem;

namespace {

std::string kind_of(const struct stat& st) {
  if (S_ISDIR(st.st_mode)) return "a directory";
  if (S_ISFIFO(st.st_mode)) return "a FIFO";
  if (S_ISSOCK(st.st_mode)) return "a socket";
  if (S_ISCHR(st.st_mode)) return "a character device";
  if (S_ISBLK(st.st_mode)) return "a block device";
  return "not a regular file";
}

}  // namespace

std::string resolve_output_path(const std::string& path) {
  if (path.empty()) throw InputError("cannot write an empty path");
  fs::path p = path;
  // Follow the links by hand: a dangling link still names where the file goes, which
  // fs::canonical refuses, and renaming over the link itself would replace it.
  for (int hops = 0;; ++hops) {
    struct stat lst;
    if (::lstat(p.c_str(), &lst) != 0 || !S_ISLNK(lst.st_mode)) break;
    if (hops == 40) throw InputError(fmt::format("cannot write {}: too many levels of symbolic links", path));
    std::error_code ec;
    fs::path target = fs::read_symlink(p, ec);
    if (ec) throw InputError(fmt::format("cannot write {}: {}", path, ec.message()));
    p = target.is_absolute() ? target : p.parent_path() / target;
  }
  std::string shown = p.string() == path ? path : fmt::format("{} (-> {})", path, p.string());
  struct stat st;
  if (::stat(p.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
    throw InputError(fmt::format("cannot write {}: it is {} (use - for standard output)", shown, kind_of(st)));
  fs::path dir = p.parent_path();
  if (dir.empty()) dir = ".";
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    // A folder that is not there is the usual slip (a typo, one not made yet): say that, not
    // "not a directory", which reads as if something else stood in its place.
    if (!fs::exists(dir, ec))
      throw InputError(fmt::format("cannot write {}: no such directory {} (atslab does not create it)", shown, dir.string()));
    throw InputError(fmt::format("cannot write {}: {} is not a directory", shown, dir.string()));
  }
  if (::access(dir.c_str(), W_OK) != 0) throw InputError(fmt::format("cannot write {}: {} is not writable", shown, dir.string()));
  return p.string();
}

void write_file_atomic(const std::string& path, const std::string& text) {
  fs::path target = resolve_output_path(path);
  fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  // A unique name next to the target: rename is atomic only within one file system, and
  // two runs writing the same file must not share a temporary.
  std::string tmpl = (dir / ("." + target.filename().string() + ".XXXXXX")).string();
  int fd = ::mkstemp(tmpl.data());
  if (fd < 0) throw InputError(fmt::format("cannot write {}: {}", path, std::strerror(errno)));
  auto fail = [&](int err) {
    ::close(fd);
    ::unlink(tmpl.c_str());
    throw InputError(fmt::format("cannot write {}: {}", path, std::strerror(err)));
  };
  // mkstemp makes the file 0600; a replaced file keeps its mode, a new one gets the usual 0666 & ~umask.
  struct stat st;
  mode_t mode;
  if (::stat(target.c_str(), &st) == 0) {
    mode = st.st_mode & 07777;
  } else {
    mode_t mask = ::umask(0);
    ::umask(mask);
    mode = 0666 & ~mask;
  }
  if (::fchmod(fd, mode) != 0) fail(errno);
  for (size_t done = 0; done < text.size();) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail(n < 0 ? errno : EIO);
    done += static_cast<size_t>(n);
  }
  // The data on disk before the name points at it: after a crash the target is the old
  // file or the whole new one, never a renamed empty or partial file.
  if (::fsync(fd) != 0) fail(errno);
  if (::close(fd) != 0) {
    int err = errno;
    ::unlink(tmpl.c_str());
    throw InputError(fmt::format("cannot write {}: {}", path, std::strerror(err)));
  }
  if (::rename(tmpl.c_str(), target.c_str()) != 0) {
    int err = errno;
    ::unlink(tmpl.c_str());
    throw InputError(fmt::format("cannot write {}: {}", path, std::strerror(err)));
  }
}

void check_output_dir(const std::string& dir) {
  // The files' paths are written into JSON results, which carry UTF-8 only.
  if (first_invalid_utf8(dir)) throw InputError(fmt::format("{}: the directory name is not valid UTF-8", dir));
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    if (!fs::exists(dir, ec)) throw InputError(fmt::format("{}: no such directory (atslab does not create it)", dir));
    throw InputError(fmt::format("{}: not a directory", dir));
  }
  if (::access(dir.c_str(), W_OK) != 0) throw InputError(fmt::format("{}: directory is not writable", dir));
}

}  // namespace atslab::io
