#pragma once
// Bad input from a user or a file: reported as one line on stderr, exit status 2.
#include <stdexcept>
#include <string>

namespace atslab {

class InputError : public std::runtime_error {
 public:
  explicit InputError(const std::string& what) : std::runtime_error(what) {}
};

}  // namespace atslab
