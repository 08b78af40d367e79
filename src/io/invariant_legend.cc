#include "io/invariant_legend.h"

#include <algorithm>
#include <fmt/format.h>

#include "check/invariant_catalogue.h"

namespace atslab::io {

std::string invariant_legend(std::vector<int> numbers) {
  std::sort(numbers.begin(), numbers.end());
  numbers.erase(std::unique(numbers.begin(), numbers.end()), numbers.end());
  std::string out;
  for (int n : numbers)
    if (auto what = check::invariant_statement(n); !what.empty()) out += fmt::format("  {:>2}  {}\n", n, what);
  return out.empty() ? out : "invariants (atslab invariants lists them all):\n" + out;
}

}  // namespace atslab::io
