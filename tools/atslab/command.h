#pragma once
// Subcommands register themselves here, one file each (cmd_*.cc), so that
// adding a command never touches main.cc.
#include <CLI/CLI.hpp>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "policy/ats_variant.h"

namespace atslab::io {
struct Scenario;
}
#include "policy/driver.h"

namespace atslab::cli {

// Configures the subcommand's options on `sub` and returns what runs it.
// The runner returns the exit status; bad input is thrown as atslab::InputError.
using Setup = std::function<std::function<int()>(CLI::App& sub)>;

struct CommandSpec {
  std::string name;
  std::string description;
  Setup setup;
};

std::vector<CommandSpec>& registry();

struct Register {
  Register(std::string name, std::string description, Setup setup) {
    registry().push_back({std::move(name), std::move(description), std::move(setup)});
  }
};

// Standard output flushed and checked at the end of a command: `status` when everything was
// written, else one line on stderr and status 2 (a full disk, a closed pipe).
int check_stdout(int status);

// Writes `text` to `path` atomically (temporary file, then rename), or to stdout for "-".
void write_output(const std::string& path, const std::string& text);
// One output file per run when a command writes several: FILE's stem (FILE without its
// extension) plus ".<what>.json", e.g. t.json -> t.upstream.json.
std::string per_run_path(const std::string& file, const std::string& what);

// Refuses, before any work is done, an output path whose directory does not exist or is not
// writable, or that names one of the command's `inputs`.
void check_output_path(const std::string& path, const std::vector<std::string>& inputs = {});

// For every unsigned option: a plain decimal or 0x number that fits in 64 bits (no sign,
// no trailing garbage); combine with CLI::Range for the option's own bounds.
extern const CLI::Validator Unsigned;

// A --variant argument: one variant's name, or "all" for every SMMUv3 design variant.
// Throws InputError for anything else.
std::vector<policy::AtsVariant> variants_arg(const std::string& text);
// The same for a scenario's machine: without an SMMUv3, rollback and vtd-style (which change that
// driver alone) would be upstream's rows under other names, so "all" leaves them out and naming
// one is refused. series-v3 and fail-early stay: their ats.c patches apply behind any IOMMU.
std::vector<policy::AtsVariant> variants_arg(const std::string& text, const io::Scenario& sc);

// --driver model|source: which code plays the kernel (docs/kernel-source.md); driver_option.cc.
CLI::Option* add_driver_option(CLI::App& sub, std::string& text);
// Throws InputError for anything but model or source.
policy::Driver driver_arg(const std::string& text);
// What text output opens with under --driver source: the tree and version that ran (the model's output is unchanged).
// `smmuv3_machine` false: no SMMUv3 on the machine, so the tree's ats.c alone runs (io::uses_smmuv3).
std::string driver_banner(policy::Driver d, bool smmuv3_machine);
// Throws InputError when `d` is the source driver and `sc` asks for what the tree's build does not
// run: PASIDs behind VT-d or AMD-Vi (no tree driver for them) and nesting (docs/kernel-source.md).
// `compare`: for compare-drivers, which always runs the tree (the remedy is the model's commands,
// not leaving out --driver source).
void check_source_runs(const io::Scenario& sc, policy::Driver d, bool compare = false);
// Sets `sc` to run under `d`: under the source driver with the tree's SMMUv3 driver built in, the
// IOMMU core and PCI core as the tree's kernel has them (kernel.iommu.pci_dev_reset_iommu from its
// iommu.h, kernel.pci.warn_reset_unaware from its version), as
// compare-drivers runs it. run and report use it; explore and stress keep the file's core.
void drive_with(io::Scenario& sc, policy::Driver d);
// {"kind": "model"} or {"kind": "source", "linux": "6.12.118", "tree": ORIGIN, "files": [...]}, for --json.
nlohmann::json driver_json(policy::Driver d, bool smmuv3_machine);

// "a,b,c" -> {"a", "b", "c"} (an empty item stays, so that the caller reports it).
std::vector<std::string> split_commas(const std::string& text);

}  // namespace atslab::cli
