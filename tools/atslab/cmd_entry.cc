// atslab entry-write / entry-decode: the STE/CD hitless writer and the entry
// layouts, for kernel developers checking an update sequence by hand.
#include <fmt/format.h>

#include <charconv>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "command.h"
#include "hw/smmuv3/entry_decode.h"
#include "io/input_error.h"
#include "linux/smmuv3/entry_used.h"
#include "sim/entry_write_run.h"

namespace {

using atslab::InputError;
using atslab::hw::smmuv3::Entry;
using atslab::hw::smmuv3::EntryKind;

EntryKind parse_kind(const std::string& s) {
  if (s == "ste") return EntryKind::Ste;
  if (s == "cd") return EntryKind::Cd;
  throw InputError("unknown --kind '" + s + "' (expected ste or cd)");
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  const auto e = s.find_last_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// "Q0,Q1,..." in hex, 0x optional; missing trailing qwords are zero.
Entry parse_qwords(const std::string& what, const std::string& text) {
  Entry e{};
  unsigned n = 0;
  size_t pos = 0;
  for (;;) {
    const size_t comma = text.find(',', pos);
    std::string tok = trim(text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos));
    if (n == e.size()) throw InputError(what + ": more than 8 qwords");
    std::string digits = tok;
    if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) digits = digits.substr(2);
    uint64_t v = 0;
    const char* first = digits.data();
    const char* last = first + digits.size();
    auto [ptr, ec] = std::from_chars(first, last, v, 16);
    if (digits.empty())
      throw InputError(fmt::format("{}: qword {} is empty (expected Q0,Q1,... in hex)", what, n));
    if (ec == std::errc::invalid_argument || ptr != last)
      throw InputError(fmt::format("{}: qword {}: '{}' is not a hex qword", what, n, tok));
    if (ec == std::errc::result_out_of_range) throw InputError(fmt::format("{}: qword {}: '{}' does not fit in 64 bits", what, n, tok));
    e[n++] = v;
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return e;
}

std::string hex(uint64_t v) { return fmt::format("{:#018x}", v); }

nlohmann::json entry_json(const Entry& e) {
  auto a = nlohmann::json::array();
  for (uint64_t q : e) a.push_back(hex(q));
  return a;
}

std::string entry_text(const Entry& e) {
  std::string s;
  for (uint64_t q : e) s += (s.empty() ? "" : ",") + hex(q);
  return s;
}

struct WriteOpts {
  std::string kind = "ste", from, to;
  bool json = false;
  bool no_ats_quiescence = false;
};

// A script checking an update sequence can rely on the status alone: the
// independent checker found a store that left neither the old nor the new
// behaviour during an update the writer did not declare breaking.
int exit_status(const atslab::sim::EntryWriteRun& run) { return run.verdict.ok ? 0 : 1; }

int run_write(const WriteOpts& o) {
  const EntryKind kind = parse_kind(o.kind);
  const Entry from = parse_qwords("--from", o.from);
  const Entry to = parse_qwords("--to", o.to);
  atslab::check::HitlessOptions check_opts;
  check_opts.ats_quiescent = !o.no_ats_quiescence;
  const auto run = atslab::sim::run_entry_write(kind, from, to, check_opts);
  const auto& rep = run.report;
  std::vector<unsigned> critical;
  for (unsigned i = 0; i < 8; i++)
    if (rep.critical_qwords & (1u << i)) critical.push_back(i);

  if (o.json) {
    nlohmann::json j;
    j["path"] = atslab::smmuv3::write_path_name(rep.path);
    j["critical_qwords"] = critical;
    j["steps"] = nlohmann::json::array();
    for (const auto& st : rep.steps)
      j["steps"].push_back({{"what", st.what}, {"qwords", entry_json(st.after)}, {"sync", st.synced}});
    j["syncs"] = rep.syncs;
    j["breaking"] = run.breaking;
    j["final_equals_target"] = run.final_equals_target;
    j["hitless_check"] = run.verdict.ok ? std::string("ok") : run.verdict.message;
    j["qword0_zero_at_sync"] = run.qword0_zero_at_sync;
    j["target_sets_unused_bits"] = rep.target_sets_unused_bits;
    j["commands"] = nlohmann::json::array();
    for (const auto& c : run.commands) j["commands"].push_back(atslab::hw::smmuv3::describe(c));
    std::cout << j.dump() << "\n";
    return exit_status(run);
  }
  std::string crit;
  for (unsigned c : critical) crit += (crit.empty() ? "" : ",") + std::to_string(c);
  std::cout << fmt::format("path: {}\ncritical qwords: {}\n", atslab::smmuv3::write_path_name(rep.path),
                           crit.empty() ? "none" : crit);
  for (size_t i = 0; i < rep.steps.size(); i++)
    std::cout << fmt::format("step {}: {}\n  {}  [{}]\n", i + 1, rep.steps[i].what, entry_text(rep.steps[i].after),
                             rep.steps[i].synced ? "sync" : "no change, no sync");
  std::cout << fmt::format("syncs: {}\nbreaking: {}\nfinal equals target: {}\nhitless check: {}\n", rep.syncs,
                           run.breaking ? "yes" : "no", run.final_equals_target ? "yes" : "no",
                           run.verdict.ok ? "ok" : run.verdict.message);
  std::cout << fmt::format("qword 0 zero at a sync (the kernel harness's invalid_entry_written): {}\n",
                           run.qword0_zero_at_sync ? "yes" : "no");
  if (rep.target_sets_unused_bits)
    std::cout << "WARNING: the target sets bits outside its own used mask (the kernel WARNs here)\n";
  std::cout << "commands:\n";
  for (const auto& c : run.commands) std::cout << "  " << atslab::hw::smmuv3::describe(c) << "\n";
  return exit_status(run);
}

struct DecodeOpts {
  std::string kind = "ste", qwords;
  bool json = false;
};

int run_decode(const DecodeOpts& o) {
  const EntryKind kind = parse_kind(o.kind);
  const Entry e = parse_qwords("entry", o.qwords);
  const auto fields = atslab::hw::smmuv3::decode_entry(kind, e);
  const Entry used = kind == EntryKind::Ste ? atslab::smmuv3::get_ste_used(e) : atslab::smmuv3::get_cd_used(e);
  if (o.json) {
    nlohmann::json j;
    j["kind"] = o.kind;
    j["qwords"] = entry_json(e);
    j["used"] = entry_json(used);
    j["fields"] = nlohmann::json::array();
    for (const auto& f : fields) {
      nlohmann::json jf = {{"name", f.name}, {"qword", f.qword}, {"bits", fmt::format("{}:{}", f.hi, f.lo)},
                           {"value", fmt::format("{:#x}", f.value)}};
      if (!f.value_name.empty()) jf["value_name"] = f.value_name;
      j["fields"].push_back(jf);
    }
    std::cout << j.dump() << "\n";
    return 0;
  }
  for (const auto& f : fields)
    std::cout << fmt::format("q{} [{:>2}:{:<2}] {:<14} {:#x}{}\n", f.qword, f.hi, f.lo, f.name, f.value,
                             f.value_name.empty() ? "" : " (" + f.value_name + ")");
  std::cout << "used bits (the driver's view): " << entry_text(used) << "\n";
  return 0;
}

atslab::cli::Register reg_write{
    "entry-write", "Run the SMMUv3 hitless STE/CD writer from one entry to another and check every store",
    [](CLI::App& sub) -> std::function<int()> {
      auto o = std::make_shared<WriteOpts>();
      sub.add_option("--kind", o->kind, "ste or cd")->capture_default_str();
      sub.add_option("--from", o->from, "current entry: Q0,Q1,... in hex (missing qwords are zero)")->required();
      sub.add_option("--to", o->to, "target entry: Q0,Q1,... in hex (missing qwords are zero)")->required();
      sub.add_flag("--json", o->json, "print one JSON object");
      sub.add_flag("--no-ats-quiescence", o->no_ats_quiescence,
                   "judge EATS changes as if ATS traffic could see them (the kernel assumes PCI ATS is off)");
      sub.footer("Exit status: 0 when the hitless check is ok, 1 when it reports a violation (the report is printed\n"
                 "either way), 2 on bad input.");
      return [o]() { return run_write(*o); };
    }};

atslab::cli::Register reg_decode{
    "entry-decode", "Decode an SMMUv3 STE or CD field by field with the kernel's names",
    [](CLI::App& sub) -> std::function<int()> {
      auto o = std::make_shared<DecodeOpts>();
      sub.add_option("--kind", o->kind, "ste or cd")->capture_default_str();
      sub.add_option("qwords", o->qwords, "Q0,Q1,... in hex (missing qwords are zero)")->required();
      sub.add_flag("--json", o->json, "print one JSON object");
      return [o]() { return run_decode(*o); };
    }};

}  // namespace
