#include "io/fault_plan.h"

#include <cerrno>
#include <charconv>
#include <fmt/format.h>
#include <set>

#include "io/input_error.h"
#include "io/utf8.h"
#include "linux/kernel/errno.h"
#include "linux/system.h"

namespace atslab::faults {

namespace {
constexpr std::pair<std::string_view, int> kErrnoNames[] = {{"-EINVAL", -EINVAL}, {"-EBUSY", -EBUSY}, {"-ENOMEM", -ENOMEM},
                                                            {"-EIO", -EIO},       {"-ENODEV", -ENODEV}, {"-EOPNOTSUPP", -EOPNOTSUPP}};

int parse_errno(std::string_view v) {
  for (const auto& [n, e] : kErrnoNames)
    if (v == n) return e;
  int x = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
  if (ec != std::errc() || p != v.data() + v.size() || x >= 0 || x < -4095)
    throw InputError(fmt::format("fault plan: bad error '{}' (expected -EINVAL, -EBUSY, -ENOMEM, -EIO, -ENODEV, -EOPNOTSUPP or a negative number)", v));
  return x;
}
}  // namespace

std::vector<Rule> parse_plan(std::string_view text) {
  std::vector<Rule> rules;
  // A plan is written into results and replay files (JSON: UTF-8 only).
  io::require_utf8(text, "fault plan");
  // Nor control characters: the messages below quote the plan, in one line.
  if (auto at = io::first_control_character(text))
    throw InputError(fmt::format("fault plan: a control character (byte {:#04x}) at offset {}; rules are separated by ','",
                                 static_cast<unsigned>(static_cast<unsigned char>(text[*at])), *at));
  if (text.find_first_not_of(' ') == std::string_view::npos) return rules;  // no plan
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find_first_of(",;", pos);
    std::string_view item = text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    pos = end == std::string_view::npos ? text.size() + 1 : end + 1;
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    // ",," or a trailing comma is a typo (a rule lost in editing), not "nothing here".
    if (item.empty()) throw InputError(fmt::format("fault plan: '{}': an empty rule between separators", text));
    Rule r;
    size_t colon = item.find(':');
    std::string_view pname = item.substr(0, colon);
    auto p = parse_point(pname);
    if (!p) {
      std::string known;
      for (size_t i = 0; i < kPointCount; ++i) known += (known.empty() ? "" : ", ") + std::string(name(static_cast<Point>(i)));
      throw InputError(fmt::format("fault plan: unknown injection point '{}' (known: {})", pname, known));
    }
    r.point = *p;
    std::string_view rest = colon == std::string_view::npos ? std::string_view{} : item.substr(colon + 1);
    std::set<std::string_view> given;
    while (!rest.empty()) {
      size_t c = rest.find(':');
      std::string_view opt = rest.substr(0, c);
      rest = c == std::string_view::npos ? std::string_view{} : rest.substr(c + 1);
      size_t eq = opt.find('=');
      std::string_view key = opt.substr(0, eq), val = eq == std::string_view::npos ? std::string_view{} : opt.substr(eq + 1);
      // nth=1:nth=2 would keep the last one; say which was meant instead.
      if (!given.insert(key).second) throw InputError(fmt::format("fault plan: '{}': {} given twice", item, key));
      if (key == "always" && eq == std::string_view::npos) {
        r.always = true;
      } else if (key == "nth") {
        uint64_t nth = 0;
        auto [q, ec] = std::from_chars(val.data(), val.data() + val.size(), nth);
        if (ec == std::errc::result_out_of_range || (ec == std::errc() && q == val.data() + val.size() && nth > UINT32_MAX))
          throw InputError(fmt::format("fault plan: '{}': nth is at most {} (a point's calls are counted in 32 bits)", item, UINT32_MAX));
        if (ec != std::errc() || q != val.data() + val.size() || nth == 0)
          throw InputError(fmt::format("fault plan: '{}': nth wants a whole number from 1 to {}", item, UINT32_MAX));
        r.nth = static_cast<uint32_t>(nth);
      } else if (key == "p") {
        double prob = -1;
        try {
          size_t used = 0;
          prob = std::stod(std::string(val), &used);
          if (used != val.size()) prob = -1;
        } catch (...) {
        }
        if (!(prob >= 0.0 && prob <= 1.0)) throw InputError(fmt::format("fault plan: '{}': p wants a probability from 0 to 1", item));
        r.per_million = static_cast<uint32_t>(prob * 1e6 + 0.5);
        // The injector draws in parts per million: below half of one, the rule would never fire.
        if (r.per_million == 0)
          throw InputError(fmt::format("fault plan: '{}': p={} never fires (the smallest probability is 0.000001)", item, val));
      } else if (key == "step" && !val.empty()) {
        r.step = std::string(val);
      } else if (key == "err") {
        if (!returns_error(r.point))
          throw InputError(fmt::format("fault plan: '{}': {} returns no error, so err= has no meaning there", item, pname));
        r.error = parse_errno(val);
      } else {
        throw InputError(fmt::format("fault plan: '{}': unknown option '{}' (expected nth=N, p=P, step=NAME, always, err=-E...)", item, opt));
      }
    }
    // always fires on every call: a count or a probability beside it would say something else.
    if (r.always && (r.nth || r.per_million))
      throw InputError(fmt::format("fault plan: '{}': always fires on every call; give it without nth= or p=", item));
    if (!r.nth && !r.per_million && !r.always && r.step.empty())
      throw InputError(fmt::format("fault plan: '{}' does not say when it fires (add nth=N, p=P, step=NAME or always)", item));
    if (!r.step.empty() && !r.nth && !r.per_million) r.always = true;
    rules.push_back(std::move(r));
  }
  return rules;
}

std::string format_rule(const Rule& r) {
  std::string t(name(r.point));
  if (r.nth) t += fmt::format(":nth={}", r.nth);
  if (r.per_million) t += fmt::format(":p={}", r.per_million / 1e6);
  if (!r.step.empty()) t += ":step=" + r.step;
  // A step alone implies always (parse_plan): written back as it was given.
  if (r.always && (r.step.empty() || r.nth || r.per_million)) t += ":always";
  if (r.error) {
    std::string e = std::to_string(r.error);
    for (const auto& [n, v] : kErrnoNames)
      if (v == r.error) e = n;
    t += ":err=" + e;
  }
  return t;
}

std::vector<RuleCount> rule_counts(const System& s) {
  std::vector<RuleCount> out;
  const auto& tallies = s.record.fault_tallies;
  for (size_t i = 0; i < s.faults.rules.size(); ++i) {
    const Rule& r = s.faults.rules[i];
    kernel::FaultTally t = i < tallies.size() ? tallies[i] : kernel::FaultTally{};
    out.push_back({format_rule(r), r.step, t.calls, t.fires});
  }
  return out;
}

std::vector<std::string> describe(const std::vector<RuleCount>& counts) {
  std::vector<std::string> lines;
  for (const auto& c : counts) {
    std::string line = fmt::format("fault rule {}: {} call{}, {} fired", c.rule, c.calls, c.calls == 1 ? "" : "s", c.fires);
    if (!c.step.empty() && c.calls == 0) line += fmt::format(" (no step named '{}' called it: never matched)", c.step);
    lines.push_back(std::move(line));
  }
  return lines;
}

nlohmann::json to_json(const std::vector<RuleCount>& counts) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& c : counts) {
    nlohmann::json j = {{"rule", c.rule}, {"calls", c.calls}, {"fires", c.fires}};
    if (!c.step.empty()) j["step_matched"] = c.calls > 0;
    out.push_back(std::move(j));
  }
  return out;
}

std::string combined_plan(const std::string& scenario, const std::string& extra) {
  return scenario.empty() ? extra : extra.empty() ? scenario : scenario + "," + extra;
}

}  // namespace atslab::faults
