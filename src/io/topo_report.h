#pragma once
// What `atslab topo` shows of each function: identity, SR-IOV relation (InitialVFs, TotalVFs,
// NumVFs), the ATS capability and control as the hardware holds them after atslab's enumeration
// (and, for a dump, as the dump held it), untrusted, quirks.
#include <nlohmann/json.hpp>
#include <string>

#include <vector>

#include "io/lspci_dump.h"
#include "io/pci_ids.h"
#include "linux/system.h"

namespace atslab::io {

// `dumps`: the imported functions the machine was built from, to show what each dump itself held
// beside what atslab's enumeration set (its ATS Control register).
nlohmann::json topo_json(const System& s, const PciIds& ids, const std::vector<ImportedFunction>& dumps = {});
std::string topo_text(const System& s, const PciIds& ids, const std::vector<ImportedFunction>& dumps = {});
// The enumerated functions as `lspci -t` draws a machine (pciutils ls-tree.c, followed step by step:
// each bridge below the narrowest bridge whose bus range holds its primary bus, each function on
// the bus of the deepest bridge whose range holds its bus), so the two can be compared line by
// line. atslab's own root ports (above a dump's bare endpoints) are drawn as any bridge.
std::string topo_tree(const System& s);

}  // namespace atslab::io
