#include "policy/driver.h"

namespace atslab::policy {

std::string_view name(Driver d) { return d == Driver::Model ? "model" : "source"; }

std::optional<Driver> parse_driver(std::string_view s) {
  if (s == "model") return Driver::Model;
  if (s == "source") return Driver::Source;
  return std::nullopt;
}

}  // namespace atslab::policy
