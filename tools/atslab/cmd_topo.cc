// atslab topo: build a machine (built-in or from lspci dumps), enumerate it, show every function.
#include <fmt/format.h>
#include <iostream>
#include <memory>

#include "command.h"
#include "io/lspci_dump.h"
#include "io/pci_ids.h"
#include "io/topo_report.h"
#include "sim/builders.h"

namespace {

struct TopoOptions {
  std::vector<std::string> dumps;
  bool json = false;
  int vfs = -1;  // -1: not given (the built-in example enables 2, imported dumps none); 0 means none
  bool header_quirks = false;
  bool noats = false;
  bool tree = false;
};

atslab::cli::Register reg{
    "topo", "Build a topology, enumerate it as Linux does, and show each function's ATS state",
    [](CLI::App& sub) {
      auto o = std::make_shared<TopoOptions>();
      sub.add_option("--lspci", o->dumps, "lspci -xxxx dump to import (repeatable); default: the built-in example")
          ->check(CLI::ExistingFile);
      sub.add_flag("--json", o->json, "Print one JSON document (one object per function)");
      sub.add_option("--vfs", o->vfs, "VFs to enable on every SR-IOV PF, 0 for none (default: 2 on the built-in example, 0 on dumps)")
          ->check(atslab::cli::Unsigned)->check(CLI::Range(0, 256));
      sub.add_flag("--header-quirks", o->header_quirks,
                   "Run the no-ATS quirks in the HEADER phase (the 2026 fix) instead of FINAL");
      sub.add_flag("--noats", o->noats, "Boot with pci=noats");
      sub.add_flag("--tree", o->tree, "Print the enumerated hierarchy as lspci -t draws it, instead of the table")
          ->excludes("--json");
      return [o]() -> int {
        atslab::sim::MachineOptions mo;
        mo.switches.no_ats_quirk_phase =
            o->header_quirks ? atslab::policy::QuirkPhase::Header : atslab::policy::QuirkPhase::Final;
        mo.switches.noats = o->noats;
        atslab::System s;
        std::vector<std::string> notes;
        std::vector<atslab::io::ImportedFunction> fns;
        if (o->dumps.empty()) {
          mo.vfs = static_cast<uint16_t>(o->vfs >= 0 ? o->vfs : 2);
          s = atslab::sim::builtin_example(mo);
        } else {
          for (const auto& path : o->dumps) {
            auto more = atslab::io::load_lspci_dump(path);
            fns.insert(fns.end(), more.begin(), more.end());
          }
          mo.vfs = static_cast<uint16_t>(o->vfs >= 0 ? o->vfs : 0);
          s = atslab::sim::from_dumps(fns, mo, &notes);
        }
        atslab::io::PciIds ids;
        if (o->tree)
          std::cout << atslab::io::topo_tree(s);
        else if (o->json)
          std::cout << atslab::io::topo_json(s, ids, fns).dump(2) << "\n";
        else
          std::cout << atslab::io::topo_text(s, ids, fns);
        // What the dumps hold that the machine does not: after the table, or on stderr beside JSON or the tree.
        for (const auto& n : notes) (o->json || o->tree ? std::cerr : std::cout) << "note: " << n << "\n";
        return 0;
      };
    }};

}  // namespace
