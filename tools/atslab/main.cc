// atslab: a laboratory for PCIe ATS as Linux manages it.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>

#include "command.h"
#include "io/input_error.h"

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
  std::filesystem::path tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw InputError("cannot write " + path);
    out << text;
    if (!out.flush()) {
      std::error_code ec;
      std::filesystem::remove(tmp, ec);
      throw InputError("cannot write " + path);
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    throw InputError("cannot write " + path + ": " + ec.message());
  }
}

}  // namespace atslab::cli

int main(int argc, char** argv) {
  using namespace atslab;
  CLI::App app{"atslab: an executable model of PCIe Address Translation Services as Linux manages it"};
  app.set_version_flag("--version", std::string("atslab ") + ATSLAB_VERSION);
  app.require_subcommand(0, 1);
  std::map<CLI::App*, std::function<int()>> runners;
  CLI::App* default_cmd = nullptr;
  for (auto& spec : cli::registry()) {
    CLI::App* sub = app.add_subcommand(spec.name, spec.description);
    runners[sub] = spec.setup(*sub);
    if (spec.name == "repro" || (!default_cmd && spec.name == "topo")) default_cmd = sub;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "atslab: error: " << e.what() << " (see atslab --help)\n";
    return 2;
  }
  try {
    for (auto& [sub, run] : runners)
      if (sub->parsed()) return run();
    // No subcommand: the main job (the seed bug's reproduction once it exists).
    return default_cmd ? runners[default_cmd]() : 0;
  } catch (const InputError& e) {
    std::cerr << "atslab: error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "atslab: internal error: " << e.what() << "\n";
    return 3;
  }
}
