// The named stress workloads: their set-up, their mix, and the machines they refuse.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>

#include "io/scenario.h"
#include "sim/stress.h"
#include "sim/workloads.h"

namespace atslab::sim {
namespace ATSLAB_UNITY_ID {
namespace {

io::Scenario scenario(const char* name) { return io::load_scenario(std::string(ATSLAB_SOURCE_DIR) + "/scenarios/" + name); }

// The names a user types are the ones the README documents for `stress --workload`: read them
// from there (an oracle outside the code), each must parse to a distinct workload, and every
// workload must be documented.
TEST(Workloads, TheReadmesNamesAreTheWorkloads) {
  std::ifstream in(std::string(ATSLAB_SOURCE_DIR) + "/README.md");
  std::string line, row;
  while (std::getline(in, line))
    if (line.find("`atslab stress ") != std::string::npos) row = line;
  ASSERT_FALSE(row.empty()) << "README.md has no `atslab stress` row";
  std::set<Workload> seen;
  const std::regex quoted("`([a-z-]+)`");
  for (auto it = std::sregex_iterator(row.begin(), row.end(), quoted); it != std::sregex_iterator(); ++it) {
    auto w = parse_workload((*it)[1].str());
    if (!w) continue;  // other backticked words in the row (mixed's operations, flags)
    EXPECT_EQ(name(*w), (*it)[1].str());
    seen.insert(*w);
  }
  for (auto w : kAllWorkloads) EXPECT_TRUE(seen.count(w)) << name(w) << " is not in the README's stress row";
  EXPECT_FALSE(parse_workload("iova_stress")) << "the seed's process name is not a workload name";
}

// iova-stress starts where the seed's report starts: the VFs handed to VFIO in one container.
TEST(Workloads, IovaStressSetUpPutsTheVfsInOneContainer) {
  auto sc = scenario("explore-small.yaml");
  auto ops = workload_setup(Workload::IovaStress, sc);
  std::vector<std::string> got;
  for (const auto& op : ops) got.push_back(describe(op));
  EXPECT_EQ(got, (std::vector<std::string>{"echo 2 > pf/sriov_numvfs", "bind vfio-pci to pf.vf0",
                                           "VFIO_GROUP_SET_CONTAINER pf.vf0 -> c0", "VFIO_SET_IOMMU c0",
                                           "bind vfio-pci to pf.vf1", "VFIO_GROUP_SET_CONTAINER pf.vf1 -> c0"}));
  // And every step of it succeeds on a healthy machine.
  auto r = run_ops(sc, policy::AtsVariant::FailEarly, ops, 1, "");
  for (const auto& st : r.steps) EXPECT_EQ(st.ret, 0) << st.what;
}

TEST(Workloads, EachDrawsOnlyFromItsMix) {
  auto sc = scenario("seed.yaml");
  for (auto w : {Workload::IovaStress, Workload::SriovChurn, Workload::DomainChurn}) {
    SCOPED_TRACE(std::string(name(w)));
    std::set<std::string> allowed;
    for (auto k : op_mix(w)) allowed.insert(op_name(k));
    for (const auto& op : workload_setup(w, sc)) allowed.insert(op_name(op.kind));
    auto r = run_stress(sc, policy::AtsVariant::FailEarly, {.seed = 5, .ops = 400, .workload = w});
    EXPECT_EQ(r.workload, w);
    EXPECT_EQ(r.ops, workload_setup(w, sc).size() + 400) << "--ops counts the random operations after the set-up";
    std::set<std::string> seen;
    for (const auto& [k, n] : r.ops_by_kind) {
      EXPECT_TRUE(allowed.count(k)) << k;
      seen.insert(k);
    }
    for (auto k : op_mix(w)) EXPECT_TRUE(seen.count(op_name(k))) << op_name(k) << " never drawn in 400 operations";
  }
}

// iova-stress's VM restarts follow the container's state, so none of them fails, and the
// map/unmap loop mostly runs on a container that has its IOMMU (EEXIST on a reused IOVA slot
// is the only way a map/unmap may fail on a healthy machine).
TEST(Workloads, IovaStressRestartsTheVmTheWayQemuDoes) {
  auto sc = scenario("seed.yaml");
  for (auto v : {policy::AtsVariant::FailEarly, policy::AtsVariant::SeriesV3}) {
    auto r = run_stress(sc, v, {.seed = 5, .ops = 600, .workload = Workload::IovaStress});
    SCOPED_TRACE(std::string(policy::name(v)));
    EXPECT_GT(r.ops_by_kind["vfio_unset_container"], 10u);
    EXPECT_GT(r.ops_by_kind["vfio_set_container"], 10u);
    EXPECT_EQ(r.errors_by_kind["vfio_unset_container"], 0u);
    EXPECT_EQ(r.errors_by_kind["vfio_set_container"], 0u);
    EXPECT_EQ(r.errors_by_kind["vfio_set_iommu"], 0u);
    EXPECT_LT(r.errors_by_kind["vfio_map_unmap"] * 4, r.ops_by_kind["vfio_map_unmap"]) << "most map/unmap loops succeed";
  }
}

// domain-churn really switches between the domains it names: identity included.
TEST(Workloads, DomainChurnReachesIdentityAndBack) {
  auto sc = scenario("explore-small.yaml");
  auto r = run_stress(sc, policy::AtsVariant::FailEarly, {.seed = 2, .ops = 400, .workload = Workload::DomainChurn});
  EXPECT_GT(r.ops_by_kind["group_set_type"], r.errors_by_kind["group_set_type"]) << "some type changes succeed";
  EXPECT_GT(r.ops_by_kind["attach_own_domain"], r.errors_by_kind["attach_own_domain"]);
  EXPECT_TRUE(r.first.empty()) << "fail-early keeps every invariant on a healthy machine";
  EXPECT_EQ(r.warnings, 0u);
}

TEST(Workloads, MachinesAWorkloadCannotUseAreRefused) {
  EXPECT_EQ(workload_unfit(Workload::Hotplug, scenario("seed.yaml")), "the hotplug workload needs a device with hotplug: true");
  EXPECT_EQ(workload_unfit(Workload::Hotplug, scenario("e2000-hotplug-quirk-race.yaml")), "");
  EXPECT_NE(workload_unfit(Workload::IovaStress, scenario("e2000-hotplug-quirk-race.yaml")), "")
      << "every device there is in a hot-plug slot";
  EXPECT_EQ(workload_unfit(Workload::Mixed, scenario("seed.yaml")), "");
  EXPECT_EQ(workload_unfit(Workload::Nested, scenario("iommufd-vtd-amd.yaml")),
            "the nested workload needs a device behind an SMMUv3 (nesting behind VT-d and AMD-Vi is not modelled)");
  EXPECT_EQ(workload_unfit(Workload::Nested, scenario("nested.yaml")), "");
}

TEST(Workloads, HotplugAddsAndRemovesUnderTraffic) {
  auto sc = scenario("e2000-hotplug-header-fix.yaml");
  auto r = run_stress(sc, policy::AtsVariant::FailEarly, {.seed = 3, .ops = 300, .workload = Workload::Hotplug});
  EXPECT_GT(r.ops_by_kind["hotplug_add"], r.errors_by_kind["hotplug_add"]);
  EXPECT_GT(r.ops_by_kind["hotplug_remove"], r.errors_by_kind["hotplug_remove"]);
  EXPECT_TRUE(r.first.empty());
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::sim
