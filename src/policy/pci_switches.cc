#include "policy/pci_switches.h"

namespace atslab::policy {

std::string_view name(QuirkPhase p) { return p == QuirkPhase::Final ? "final" : "header"; }

}  // namespace atslab::policy
