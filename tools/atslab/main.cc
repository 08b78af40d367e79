// atslab: a laboratory for PCIe ATS as Linux manages it.
#include <filesystem>
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <charconv>
#include <iostream>
#include <map>

#include "command.h"
#include "mpi_launch.h"
#include "io/input_error.h"
#include "io/output_file.h"
#include "io/scenario.h"
#include "kernel_src/tree_info.h"

namespace atslab::cli {

std::vector<CommandSpec>& registry() {
  static std::vector<CommandSpec> r;
  return r;
}

void write_output(const std::string& path, const std::string& text) {
  if (path == "-") {
    std::cout << text;
    return;
  }
  io::write_file_atomic(path, text);
}

std::string per_run_path(const std::string& file, const std::string& what) {
  const auto dot = file.rfind('.'), slash = file.rfind('/');
  const bool has_ext = dot != std::string::npos && (slash == std::string::npos || dot > slash);
  return (has_ext ? file.substr(0, dot) : file) + "." + what + ".json";
}

void check_output_path(const std::string& path, const std::vector<std::string>& inputs) {
  if (path == "-") return;
  io::resolve_output_path(path);
  // Writing over a file the command reads would lose the input (and the next run's).
  for (const auto& in : inputs) {
    std::error_code ec;
    if (std::filesystem::equivalent(path, in, ec))
      throw InputError(fmt::format("{}: the output would overwrite an input of this command ({}); write it elsewhere", path, in));
  }
}

// CLI11 converts "-1" and "99999999999999999999" into unsigned options by wrapping or
// saturating; this check runs on the text first, so only a plain number gets through.
const CLI::Validator Unsigned(
    [](std::string& text) -> std::string {
      std::string_view t = text;
      int base = 10;
      if (t.size() > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X')) {
        t.remove_prefix(2);
        base = 16;
      }
      uint64_t v = 0;
      auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v, base);
      if (t.empty() || ec == std::errc::invalid_argument || end != t.data() + t.size() || !std::isxdigit(static_cast<unsigned char>(t[0])))
        return "expected a whole number without a sign, got '" + text + "'";
      if (ec == std::errc::result_out_of_range) return "'" + text + "' does not fit in 64 bits";
      return "";
    },
    "UINT", "Unsigned");

std::vector<policy::AtsVariant> variants_arg(const std::string& text) {
  if (text == "all") return {policy::kAllVariants.begin(), policy::kAllVariants.end()};
  if (auto v = policy::parse_variant(text)) return {*v};
  throw InputError("unknown variant '" + text + "' (expected upstream, series-v3, fail-early, rollback, vtd-style or all)");
}

std::vector<policy::AtsVariant> variants_arg(const std::string& text, const io::Scenario& sc) {
  auto v = variants_arg(text);
  if (io::uses_smmuv3(sc)) return v;
  const auto smmuv3_only = [](policy::AtsVariant x) {
    return x == policy::AtsVariant::Rollback || x == policy::AtsVariant::VtdStyle;
  };
  if (text != "all" && smmuv3_only(v.front()))
    throw InputError(fmt::format("variant '{}' changes only the SMMUv3 driver, and {} has no SMMUv3: its rows would be "
                                 "upstream's (expected upstream, series-v3, fail-early or all)",
                                 text, sc.path));
  std::erase_if(v, smmuv3_only);
  return v;
}

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> out;
  size_t pos = 0;
  for (size_t end; (end = text.find(',', pos)) != std::string::npos; pos = end + 1) out.push_back(text.substr(pos, end - pos));
  out.push_back(text.substr(pos));
  return out;
}

int check_stdout(int status) {
  // A full disk or a closed pipe shows only here: the last output may still be buffered, and
  // neither iostreams nor fmt::print report a failed write by themselves.
  std::cout.flush();
  errno = 0;
  if (std::fflush(stdout) == 0 && !std::ferror(stdout) && std::cout) return status;
  const int err = errno;
  std::cerr << "atslab: error: cannot write standard output" << (err ? std::string(": ") + std::strerror(err) : "")
            << " (the output is incomplete)\n";
  return 2;
}

}  // namespace atslab::cli

int main(int argc, char** argv) {
  using namespace atslab;
  CLI::App app{"atslab: an executable model of PCIe Address Translation Services as Linux manages it"};
  // The second line names the kernel tree `--driver source` runs (docs/kernel-source.md).
  app.set_version_flag("--version", std::string("atslab ") + ATSLAB_VERSION + "\n" + kernel_src::source_driver_line());
  app.require_subcommand(0, 1);
  std::map<CLI::App*, std::function<int()>> runners;
  CLI::App* default_cmd = nullptr;
  for (auto& spec : cli::registry()) {
    CLI::App* sub = app.add_subcommand(spec.name, spec.description);
    runners[sub] = spec.setup(*sub);
    if (spec.name == "repro" || (!default_cmd && spec.name == "topo")) default_cmd = sub;
  }
  // Under an MPI launcher every rank parses the same command line: only rank 0 speaks.
  const cli::Launched job = cli::launched();
  if (!cli::silence_other_ranks(job)) return 2;
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return cli::check_stdout(app.exit(e));
  } catch (const CLI::CallForAllHelp& e) {
    return cli::check_stdout(app.exit(e));
  } catch (const CLI::CallForVersion& e) {
    return cli::check_stdout(app.exit(e));
  } catch (const CLI::ParseError& e) {
    // Point at the help that describes the options in question: the subcommand's when one was named
    // (the top level takes no option but --help/--version, so a subcommand can only be argv[1]).
    std::string help = "atslab --help";
    if (argc > 1)
      for (const auto& spec : cli::registry())
        if (spec.name == argv[1]) help = "atslab " + spec.name + " --help";
    std::cerr << "atslab: error: " << e.what() << " (see " << help << ")\n";
    return 2;
  }
  try {
    CLI::App* chosen = nullptr;
    for (auto& [sub, run] : runners)
      if (!chosen && sub->parsed()) chosen = sub;
    // No subcommand: the main job (the seed bug's reproduction).
    if (!chosen) chosen = default_cmd;
    if (!chosen) return 0;
    // N copies of a run, a stress or a report would each do the whole work and write the same
    // output files; explore has its own word on it (--mpi, or a refusal naming it).
    if (job.size > 1 && chosen->get_name() != "explore")
      throw InputError(fmt::format("{}: started by an MPI launcher as one of {} processes; only `explore --mpi` runs "
                                   "distributed (start atslab {} without mpirun)",
                                   chosen->get_name(), job.size, chosen->get_name()));
    return cli::check_stdout(runners[chosen]());
  } catch (const InputError& e) {
    std::cerr << "atslab: error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    // fmt::print throws when a write to standard output fails (a full disk, a closed pipe): that
    // is the output's error, not atslab's.
    if (std::ferror(stdout)) return cli::check_stdout(0);
    std::cerr << "atslab: internal error: " << e.what() << "\n";
    return 3;
  }
}
