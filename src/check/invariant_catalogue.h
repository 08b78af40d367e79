#pragma once
// What each numbered invariant says, in a line: the checker and the reports print invariants by
// number (section 7 of the model's specification, 0 and 27 to 29 added by the project), and a
// reviewer reading "#23" should not need that document at hand. `atslab invariants` prints the
// whole list; repro, stress and explore print the lines of the numbers they report.
#include <string_view>

namespace atslab::check {

struct InvariantInfo {
  int number;
  std::string_view area;       // "PCI core", "SMMUv3 ATS state", "invalidation", "IOMMU core", ...
  std::string_view statement;  // one line, present tense
};

// 0 to kLastInvariant, in order.
const InvariantInfo& invariant_info(int number);
// A few words for an invariant, for a legend under a table ("" outside 0..kLastInvariant).
std::string_view invariant_statement(int number);

}  // namespace atslab::check
