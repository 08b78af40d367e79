#pragma once
// The lines under a table of invariant numbers that say what each number is (check/invariant_catalogue).
#include <string>
#include <vector>

namespace atslab::io {

// "" for no numbers; else a heading and a line per distinct number, in order.
std::string invariant_legend(std::vector<int> numbers);

}  // namespace atslab::io
