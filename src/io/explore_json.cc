#include "io/explore_json.h"

#include <cctype>
#include <charconv>
#include <fmt/format.h>
#include <map>
#include <set>

#include "io/input_error.h"
#include "io/json_file.h"
#include "io/op_json.h"

namespace atslab::io {

using nlohmann::json;

json explore_to_json(const Scenario& sc, const sim::ExploreResult& r) {
  json violations = json::array();
  for (const auto& [n, cx] : r.found) {
    json trace = json::array(), steps = json::array();
    for (const auto& op : cx.trace) {
      trace.push_back(op_to_json(op));
      steps.push_back(sim::describe(op));
    }
    violations.push_back({{"invariant", n}, {"objects", cx.violation.objects}, {"detail", cx.violation.detail},
                          {"step", cx.violation.step}, {"length", cx.trace.size()}, {"trace", trace}, {"steps", steps}});
  }
  json prefix = json::array();
  for (const auto& op : r.prefix) prefix.push_back(op_to_json(op));
  return {{"scenario", sc.path},
          {"scenario_faults", sc.faults},  // in force in every state: --faults forces faults on top of it
          {"prefix", prefix},
          {"variant", std::string(policy::name(r.variant))},
          {"depth", r.depth},
          {"depth_reached", r.depth_reached},
          {"exhausted", r.exhausted},
          {"interrupted", r.interrupted},
          {"states", r.transitions},
          {"unique", r.unique},
          {"revisits", r.revisits},
          {"seconds", r.seconds},
          {"states_per_second", r.seconds > 0 ? static_cast<double>(r.transitions) / r.seconds : 0.0},
          {"cpu_seconds", r.cpu_seconds},
          {"states_per_cpu_second", r.cpu_seconds > 0 ? static_cast<double>(r.transitions) / r.cpu_seconds : 0.0},
          {"unique_per_cpu_second", r.cpu_seconds > 0 ? static_cast<double>(r.unique) / r.cpu_seconds : 0.0},
          {"shard", fmt::format("{}/{}", r.shard, r.shards)},
          {"engine", r.mpi_ranks ? "breadth-first" : "depth-first"},
          {"mpi_ranks", r.mpi_ranks},
          {"alphabet", r.alphabet.size()},
          {"refused_nestings", r.refused_nestings},
          {"por", r.por},
          {"por_skipped", r.por_skipped},
          {"por_reexpanded", r.por_reexpanded},
          {"symmetry", r.symmetry},
          {"symmetry_group", r.symmetry_group},
          {"one_cpu", r.one_cpu},
          {"reexecutions", r.reexecutions},
          {"non_compliance", r.non_compliance},
          {"violations", violations}};
}

namespace {

json load(const std::string& path) {
  json j = load_json_file(path, "explore result");
  if (!j.is_object() || !j.contains("results") || !j["results"].is_array())
    throw InputError(fmt::format("{}: not an atslab explore --json result (no 'results' list)", path));
  for (const auto& r : j["results"]) {
    bool ok = r.is_object();
    for (const char* k : {"scenario", "variant", "shard"}) ok = ok && r.contains(k) && r[k].is_string();
    for (const char* k : {"depth", "depth_reached", "states", "unique", "revisits"})
      ok = ok && r.contains(k) && r[k].is_number_unsigned();
    for (const char* k : {"depth", "depth_reached"}) ok = ok && r[k].get<uint64_t>() <= 1000;
    ok = ok && r.contains("seconds") && r["seconds"].is_number() && r.contains("exhausted") && r["exhausted"].is_boolean() &&
         r.contains("violations") && r["violations"].is_array();
    if (!ok) throw InputError(fmt::format("{}: a result lacks scenario, variant, shard, depth, states, seconds or violations", path));
    for (const auto& v : r["violations"])
      if (!v.is_object() || !v.contains("invariant") || !v["invariant"].is_number_unsigned() ||
          v["invariant"].get<uint64_t>() > 1000 || !v.contains("length") || !v["length"].is_number_unsigned())
        throw InputError(fmt::format("{}: a violation lacks its invariant or length", path));
  }
  return j;
}

}  // namespace

std::optional<std::pair<unsigned, unsigned>> parse_shard(const std::string& s) {
  // Full-match parsing: sscanf("%u") took "-2" (wrapped) and "2xyz".
  auto number = [](std::string_view t, unsigned& out) {
    if (t.empty() || !std::isdigit(static_cast<unsigned char>(t[0]))) return false;
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), out);
    return ec == std::errc() && end == t.data() + t.size();
  };
  auto slash = s.find('/');
  unsigned k = 0, n = 0;
  if (slash == std::string::npos || !number(std::string_view(s).substr(0, slash), k) ||
      !number(std::string_view(s).substr(slash + 1), n) || n == 0 || n > kMaxShards || k >= n)
    return std::nullopt;
  return std::pair{k, n};
}

namespace {

json merge_checked(const std::vector<std::string>& paths) {
  struct Acc {
    json merged;
    std::set<unsigned> shards;
    unsigned n = 0;
    std::map<int, json> best;
  };
  std::map<std::string, Acc> by_variant;
  std::vector<std::string> order;
  for (const auto& path : paths) {
    json j = load(path);
    for (const auto& r : j["results"]) {
      auto shard = parse_shard(r["shard"].get<std::string>());
      if (!shard) throw InputError(fmt::format("{}: bad shard '{}' (expected K/N with K < N)", path, r["shard"].get<std::string>()));
      auto [k, n] = *shard;
      std::string v = r["variant"].get<std::string>();
      auto [it, fresh] = by_variant.try_emplace(v);
      Acc& a = it->second;
      if (fresh) {
        order.push_back(v);
        a.merged = r;
        a.merged.erase("violations");
        a.merged["states"] = 0;
        a.merged["unique"] = 0;
        a.merged["revisits"] = 0;
        if (a.merged.contains("reexecutions")) a.merged["reexecutions"] = 0;
        for (const char* key : {"por_skipped", "por_reexpanded"})
          if (a.merged.contains(key)) a.merged[key] = 0;
        a.merged["seconds"] = 0.0;
        a.merged["cpu_seconds"] = 0.0;
        a.n = n;
      } else if (a.merged["scenario"] != r["scenario"] || a.merged["depth"] != r["depth"] || a.n != n ||
                 a.merged.value("driver", json()) != r.value("driver", json())) {  // model and source shards never mix
        throw InputError(fmt::format("{}: {} was explored with another scenario, depth, driver or shard count than the other files",
                                     path, v));
      }
      if (!a.shards.insert(k).second) throw InputError(fmt::format("{}: shard {}/{} of {} appears twice", path, k, n, v));
      auto& m = a.merged;
      m["states"] = m["states"].get<uint64_t>() + r["states"].get<uint64_t>();
      m["unique"] = m["unique"].get<uint64_t>() + r["unique"].get<uint64_t>();  // an upper bound: shards share the top levels
      m["revisits"] = m["revisits"].get<uint64_t>() + r["revisits"].get<uint64_t>();
      if (m.contains("reexecutions") && r.contains("reexecutions") && r["reexecutions"].is_number_unsigned())
        m["reexecutions"] = m["reexecutions"].get<uint64_t>() + r["reexecutions"].get<uint64_t>();
      for (const char* key : {"por_skipped", "por_reexpanded"})
        if (m.contains(key) && r.contains(key) && r[key].is_number_unsigned()) m[key] = m[key].get<uint64_t>() + r[key].get<uint64_t>();
      m["seconds"] = std::max(m["seconds"].get<double>(), r["seconds"].get<double>());
      // A shard's own CPU time where it reports one (older results: its search's seconds).
      const auto& cpu = r.contains("cpu_seconds") && r["cpu_seconds"].is_number() ? r["cpu_seconds"] : r["seconds"];
      m["cpu_seconds"] = m["cpu_seconds"].get<double>() + cpu.get<double>();
      m["exhausted"] = m["exhausted"].get<bool>() && r["exhausted"].get<bool>();
      // A shard stopped by a signal left part of its share unexplored: so did the merged search.
      m["interrupted"] = m.value("interrupted", false) || r.value("interrupted", false);
      m["depth_reached"] = std::min(m["depth_reached"].get<unsigned>(), r["depth_reached"].get<unsigned>());
      for (const auto& v2 : r["violations"]) {
        int inv = v2["invariant"].get<int>();
        auto b = a.best.find(inv);
        if (b == a.best.end() || v2["length"].get<size_t>() < b->second["length"].get<size_t>()) a.best[inv] = v2;
      }
    }
  }
  json results = json::array();
  for (const auto& v : order) {
    Acc& a = by_variant[v];
    if (a.shards.size() != a.n) {
      // Name the first few: the list stops after five, so a large N costs nothing.
      std::string missing;
      size_t named = 0;
      for (unsigned k = 0; k < a.n && named < 5; ++k)
        if (!a.shards.count(k)) missing += (named++ ? ", " : "") + fmt::format("{}/{}", k, a.n);
      size_t more = a.n - a.shards.size() - named;
      if (more) missing += fmt::format(" and {} more", more);
      throw InputError(fmt::format("{}: shards missing for {}: {}", paths.back(), v, missing));
    }
    a.merged["shard"] = fmt::format("all/{}", a.n);
    a.merged["states_per_second"] =
        a.merged["cpu_seconds"].get<double>() > 0 ? a.merged["states"].get<double>() / a.merged["cpu_seconds"].get<double>() : 0.0;
    json vs = json::array();
    for (auto& [inv, j] : a.best) vs.push_back(j);
    a.merged["violations"] = vs;
    results.push_back(a.merged);
  }
  return {{"results", results}};
}

}  // namespace

json merge_explore(const std::vector<std::string>& paths) {
  // load() checks every field merge_checked reads; this is the net under it, so that
  // a type it missed is still bad input and not an internal error.
  try {
    return merge_checked(paths);
  } catch (const json::exception& e) {
    throw InputError(fmt::format("{}: not an atslab explore --json result: {}", paths.empty() ? "" : paths.back(), e.what()));
  }
}

}  // namespace atslab::io
