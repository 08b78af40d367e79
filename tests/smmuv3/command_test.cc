// Exact 2-qword encodings of every command the model issues, and round trips.
#include <gtest/gtest.h>

#include "hw/smmuv3/command.h"

namespace atslab::test {
namespace ATSLAB_UNITY_ID {
namespace {

using namespace hw::smmuv3;

Command cmd(Op op) {
  Command c;
  c.op = op;
  return c;
}

void expect_encoding(const Command& c, uint64_t q0, uint64_t q1) {
  EXPECT_EQ(encode(c), (RawCommand{q0, q1})) << describe(c);
  const auto back = decode(encode(c));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, c) << describe(c);
}

TEST(SmmuCommand, PrefetchCfg) {
  Command c = cmd(Op::PREFETCH_CFG);
  c.sid = 7;
  expect_encoding(c, 0x0000000700000001, 0);
}

TEST(SmmuCommand, CfgiSte) {
  Command c = cmd(Op::CFGI_STE);
  c.sid = 0x12345;
  c.leaf = true;
  expect_encoding(c, 0x0001234500000003, 1);
}

TEST(SmmuCommand, CfgiCd) {
  Command c = cmd(Op::CFGI_CD);
  c.sid = 0x12;
  c.ssid = 0xfffff;
  c.leaf = true;
  expect_encoding(c, 0x00000012fffff005, 1);
}

TEST(SmmuCommand, CfgiAllIsSteRangeWithRange31) {
  Command c = cmd(Op::CFGI_ALL);
  c.range = 31;
  expect_encoding(c, 0x4, 31);
}

TEST(SmmuCommand, TlbiNhAll) {
  Command c = cmd(Op::TLBI_NH_ALL);
  c.vmid = 3;
  expect_encoding(c, 0x0000000300000010, 0);
}

TEST(SmmuCommand, TlbiNhAsid) {
  Command c = cmd(Op::TLBI_NH_ASID);
  c.asid = 0xbeef;
  c.vmid = 7;
  expect_encoding(c, 0xbeef000700000011, 0);
}

TEST(SmmuCommand, TlbiNhVaWithRangeFields) {
  Command c = cmd(Op::TLBI_NH_VA);
  c.asid = 5;
  c.num = 3;
  c.scale = 1;
  c.leaf = true;
  c.ttl = 3;
  c.tg = 1;
  c.addr = 0xffff000012345000;
  expect_encoding(c, 0x0005000000103012, 0xffff000012345701);
}

TEST(SmmuCommand, TlbiS12Vmall) {
  Command c = cmd(Op::TLBI_S12_VMALL);
  c.vmid = 9;
  expect_encoding(c, 0x0000000900000028, 0);
}

TEST(SmmuCommand, TlbiS2IpaMasksTo52Bits) {
  Command c = cmd(Op::TLBI_S2_IPA);
  c.vmid = 9;
  c.leaf = true;
  c.addr = 0x000f000080000000;
  expect_encoding(c, 0x000000090000002a, 0x000f000080000001);
  Command wide = c;
  wide.addr = 0xfff0000080000000;
  EXPECT_EQ(encode(wide)[1], 0x0000000080000001u);
}

TEST(SmmuCommand, AtcInv) {
  Command c = cmd(Op::ATC_INV);
  c.sid = 0x100;
  c.ssid = 5;
  c.ssv = true;
  c.size = 3;
  c.addr = 0x10000;
  expect_encoding(c, 0x0000010000005840, 0x10003);
  Command all = cmd(Op::ATC_INV);
  all.sid = 0x100;
  all.size = cmdq::kAtcInvSizeAll;
  expect_encoding(all, 0x0000010000000040, 52);
  Command global = all;
  global.global = true;
  expect_encoding(global, 0x0000010000000240, 52);
}

TEST(SmmuCommand, CmdSyncSevAndMsi) {
  Command sev = cmd(Op::CMD_SYNC);
  sev.cs = uint8_t(cmdq::kSyncCsSev);
  expect_encoding(sev, 0x2046, 0);
  Command msi = cmd(Op::CMD_SYNC);
  msi.cs = uint8_t(cmdq::kSyncCsIrq);
  msi.msh = 3;
  msi.msiattr = uint8_t(cmdq::kMemAttrOiwb);
  msi.msidata = 0x1234;
  msi.msiaddr = 0xfedc0000;
  expect_encoding(msi, 0x000012340fc01046, 0xfedc0000);
}

TEST(SmmuCommand, UnknownOpcodeDoesNotDecode) {
  EXPECT_FALSE(decode(RawCommand{0x7f, 0}).has_value());
  EXPECT_FALSE(decode(RawCommand{0x00, 0}).has_value());
}

// The opcodes as the SMMUv3 architecture numbers them (IHI 0070, "Command opcodes";
// the kernel's CMDQ_OP_* agree for the ones Linux issues), written out here rather than
// taken from the model: every code the model decodes must be in it, under its name, and
// every command the Linux driver sends must be decodable.
struct ArchOpcode {
  const char* name;
  unsigned code;
  bool linux_issues;
};
constexpr ArchOpcode kArchOpcodes[] = {
    {"PREFETCH_CFG", 0x01, true},    {"PREFETCH_ADDR", 0x02, false}, {"CFGI_STE", 0x03, true},
    {"CFGI_ALL", 0x04, true},  // CFGI_STE_RANGE; Linux only sends it with RANGE 31
    {"CFGI_CD", 0x05, true},         {"CFGI_CD_ALL", 0x06, true},    {"CFGI_VMS_PIDM", 0x07, false},
    {"TLBI_NH_ALL", 0x10, true},     {"TLBI_NH_ASID", 0x11, true},   {"TLBI_NH_VA", 0x12, true},
    {"TLBI_NH_VAA", 0x13, false},    {"TLBI_EL3_ALL", 0x18, false},  {"TLBI_EL3_VA", 0x1a, false},
    {"TLBI_EL2_ALL", 0x20, true},    {"TLBI_EL2_ASID", 0x21, true},  {"TLBI_EL2_VA", 0x22, true},
    {"TLBI_EL2_VAA", 0x23, false},   {"TLBI_S12_VMALL", 0x28, true}, {"TLBI_S2_IPA", 0x2a, true},
    {"TLBI_NSNH_ALL", 0x30, true},   {"ATC_INV", 0x40, true},        {"PRI_RESP", 0x41, true},
    {"RESUME", 0x44, true},          {"STALL_TERM", 0x45, false},    {"CMD_SYNC", 0x46, true},
};

TEST(SmmuCommand, OpcodesAreTheArchitecturesAndCoverWhatLinuxSends) {
  for (unsigned code = 0; code < 256; code++) {
    const auto op = op_from_code(uint8_t(code));
    const ArchOpcode* arch = nullptr;
    for (const auto& a : kArchOpcodes)
      if (a.code == code) arch = &a;
    if (!op) {
      EXPECT_FALSE(arch && arch->linux_issues) << "Linux sends " << arch->name << " (" << code << "), the model cannot decode it";
      continue;
    }
    ASSERT_NE(arch, nullptr) << "the model decodes opcode " << code << ", which the architecture does not define";
    EXPECT_STREQ(op_name(*op), arch->name) << code;
    // The opcode sits in bits [7:0] of the first qword, the rest of an all-zero command is zero.
    const auto c = decode(RawCommand{code, 0});
    ASSERT_TRUE(c.has_value()) << code;
    EXPECT_EQ(encode(*c), (RawCommand{code, 0})) << arch->name;
  }
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::test
