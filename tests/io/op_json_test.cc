// Operations as JSON (replay files, explore results): the writer and the reader walk one
// table of fields per operation kind, so every field of every kind comes back as written,
// and a field a kind does not read is refused (issue 16, item 2).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "io/input_error.h"
#include "io/op_json.h"
#include "io/replay_file.h"
#include "io/scenario.h"
#include "sim/op_kinds.h"
#include "sim/stress.h"
#include "../support/temp_dir.h"

namespace atslab::io {
namespace ATSLAB_UNITY_ID {
namespace {

using sim::Op;
using sim::OpField;
using sim::OpKind;

std::vector<OpKind> every_kind() {
  std::vector<OpKind> out;
  for (int k = 0; k <= static_cast<int>(sim::kLastOpKind); ++k) out.push_back(static_cast<OpKind>(k));
  return out;
}

const OpField kEveryField[] = {OpField::Device, OpField::Container, OpField::Driver, OpField::Count,
                               OpField::Iova,   OpField::Write,     OpField::Type,   OpField::Hwpt,
                               OpField::Pasid,  OpField::NestParent, OpField::Viommu, OpField::Vsid,
                               OpField::Cfg,    OpField::Eats,       OpField::Mm,     OpField::PasidCompat,
                               OpField::Methods};

// Every field the kind reads set to something other than its default.
Op with_every_field(OpKind k) {
  Op op{.kind = k};
  for (OpField f : sim::op_fields(k)) switch (f) {
      case OpField::Device: op.device = "pf.vf3"; break;
      case OpField::Container: op.container = "c7"; break;
      case OpField::Driver: op.driver = "vfio-pci"; break;
      case OpField::Count: op.count = 3; break;
      case OpField::Iova: op.iova = 0x2345000; break;
      case OpField::Write: op.write = true; break;
      case OpField::Type: op.type = "identity"; break;
      case OpField::Hwpt: op.hwpt = "h7"; break;
      case OpField::Pasid: op.pasid = 7; break;
      case OpField::NestParent: op.nest_parent = true; break;
      case OpField::Viommu: op.viommu = "v7"; break;
      case OpField::Vsid: op.vsid = 0x77; break;
      case OpField::Cfg: op.cfg = "bypass"; break;
      case OpField::Eats: op.eats = 3; break;
      case OpField::Mm: op.mm = 3; break;
      case OpField::PasidCompat: op.pasid_compat = true; break;
      case OpField::Methods: op.methods = "pm bus"; break;
    }
  return op;
}

Op read_back(const Op& op) {
  // Through text, as a file carries it.
  return op_from_json(nlohmann::json::parse(op_to_json(op).dump()), "test");
}

TEST(OpJson, EveryFieldOfEveryKindRoundTrips) {
  for (OpKind k : every_kind()) {
    SCOPED_TRACE(sim::op_name(k));
    Op op = with_every_field(k);
    EXPECT_EQ(read_back(op), op);
    auto j = op_to_json(op);
    for (OpField f : sim::op_fields(k)) EXPECT_TRUE(j.contains(sim::field_name(f))) << sim::field_name(f);
    // With a forced fault and another CPU's operation of every kind inside it.
    op.fault = "pci_enable_ats";
    for (OpKind inner : every_kind()) {
      Op both = op;
      both.nested.push_back({.at = kernel::PreemptPoint::AttachAfterSte, .nth = 2, .op = with_every_field(inner)});
      EXPECT_EQ(read_back(both), both) << "inside: " << sim::op_name(inner);
    }
  }
}

TEST(OpJson, AFieldTheKindDoesNotReadIsRefused) {
  for (OpKind k : every_kind())
    for (OpField f : kEveryField) {
      if (sim::uses(k, f)) continue;
      auto j = op_to_json(with_every_field(k));
      j[std::string(sim::field_name(f))] = "x";
      try {
        op_from_json(j, "ops[0]");
        ADD_FAILURE() << sim::op_name(k) << " took " << sim::field_name(f);
      } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("unknown field '" + std::string(sim::field_name(f)) + "'"), std::string::npos)
            << e.what();
      }
    }
}

TEST(OpJson, AnOperationOnADeviceNeedsOne) {
  EXPECT_THROW(op_from_json(nlohmann::json::parse(R"({"op":"sriov_enable","count":2})"), "ops[0]"), InputError);
  EXPECT_THROW(op_from_json(nlohmann::json::parse(R"({"op":"sriov_enable","device":"","count":2})"), "ops[0]"), InputError);
  EXPECT_NO_THROW(op_from_json(nlohmann::json::parse(R"({"op":"vfio_set_iommu","container":"c0"})"), "ops[0]"));
}

// sriov_numvfs takes a u16: 65538 VFs would have run as 2.
TEST(OpJson, ACountIsBoundedByWhatTheOperationTakes) {
  EXPECT_THROW(op_from_json(nlohmann::json::parse(R"({"op":"sriov_enable","device":"pf","count":65538})"), "ops[0]"),
               InputError);
  EXPECT_NO_THROW(op_from_json(nlohmann::json::parse(R"({"op":"vfio_map_unmap","container":"c0","count":65538})"), "ops[0]"));
}

// reset_method's text is any string of one sysfs write; reset_method_store judges its names.
TEST(OpJson, ResetMethodsIsAStringOfOneSysfsWrite) {
  EXPECT_THROW(op_from_json(nlohmann::json::parse(R"({"op":"reset_method","device":"pf","methods":["bus"]})"), "ops[0]"), InputError);
  EXPECT_THROW(op_from_json(nlohmann::json::parse(R"({"op":"reset_method","device":"pf","methods":")" + std::string(4096, 'x') + "\"}"),
                            "ops[0]"),
               InputError);
  EXPECT_EQ(op_from_json(nlohmann::json::parse(R"({"op":"reset_method","device":"pf","methods":"nonsense"})"), "ops[0]").methods, "nonsense");
  EXPECT_EQ(op_from_json(nlohmann::json::parse(R"({"op":"reset_method","device":"pf"})"), "ops[0]").methods, "default");
}

// A PASID is any 20-bit SubstreamID but 0 (the RID's): 1 to 2^20 - 1, whatever table holds it.
TEST(OpJson, APasidIsOneToTwoToTheTwentyMinusOne) {
  EXPECT_THROW(op_from_json(nlohmann::json::parse(R"({"op":"pasid_attach","device":"pf","pasid":0})"), "ops[0]"), InputError);
  EXPECT_THROW(op_from_json(nlohmann::json::parse(R"({"op":"pasid_attach","device":"pf","pasid":1048576})"), "ops[0]"), InputError);
  EXPECT_THROW(op_from_json(nlohmann::json::parse(R"({"op":"pasid_dma","device":"pf","pasid":"1"})"), "ops[0]"), InputError);
  const Op op = op_from_json(nlohmann::json::parse(R"({"op":"pasid_dma","device":"pf","pasid":70000,"iova":4096,"write":true})"), "ops[0]");
  EXPECT_EQ(op.kind, OpKind::PasidDma);
  EXPECT_EQ(op.pasid, 70000u);
  EXPECT_EQ(op.iova, 4096u);
  EXPECT_EQ(op_from_json(nlohmann::json::parse(R"({"op":"pasid_attach","device":"pf","pasid":1048575})"), "ops[0]").pasid, 1048575u);
}

std::string temp_path(const std::string& name) {
  return (atslab::test::process_temp_dir("opjson") / name).string();
}

// The issue's case: replay files of stress runs that set a group's type could not be read back.
// Every first violation's replay file of such a run is
// read back to the same operations, and reaches the same invariant.
TEST(OpJson, StressReplayFilesReadBackAndReachTheirViolation) {
  auto sc = load_scenario(std::string(ATSLAB_SOURCE_DIR) + "/scenarios/seed.yaml");
  sim::StressOptions opt{.seed = 7, .ops = 400};  // the issue's run: its 12th operation writes iommu_group/type
  auto r = sim::run_stress(sc, policy::AtsVariant::Upstream, opt);
  ASSERT_FALSE(r.first.empty());
  bool any_group_type = false;
  for (const auto& [n, fv] : r.first) {
    SCOPED_TRACE(n);
    std::string path = temp_path("inv" + std::to_string(n) + ".json");
    std::ofstream(path) << sim::replay_json(sc, r.variant, r.seed, "", fv.prefix);
    auto rf = load_replay(path);
    ASSERT_EQ(rf.ops.size(), fv.prefix.size());
    for (size_t i = 0; i < rf.ops.size(); ++i) {
      EXPECT_EQ(op_to_json(rf.ops[i]), op_to_json(fv.prefix[i])) << "ops[" << i << "]";
      any_group_type |= rf.ops[i].kind == OpKind::GroupSetType;
    }
    auto replay = sim::run_ops(sc, rf.variant, rf.ops, rf.seed, rf.faults);
    EXPECT_NE(std::find(replay.violated.begin(), replay.violated.end(), n), replay.violated.end());
  }
  EXPECT_TRUE(any_group_type) << "the run should set a group's type before a violation";
}

// Item 3: a replay file is held to the scenarios' bound (a million operations in all).
TEST(ReplayFile, MoreThanAMillionOperationsInAllIsRefusedAtLoad) {
  std::string ops;
  for (int i = 0; i < 1004; ++i) ops += std::string(i ? "," : "") + R"({"op":"vfio_map_unmap","container":"c0","count":1000000})";
  std::string path = temp_path("huge.json");
  std::ofstream(path) << R"({"scenario":"s.yaml","variant":"upstream","ops":[)" + ops + "]}";
  try {
    load_replay(path);
    ADD_FAILURE() << "accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("ops[1]: the replay asks for more than 1000000 operations"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::io
