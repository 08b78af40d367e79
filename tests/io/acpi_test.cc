// ACPI IOMMU tables (src/io/acpi): each published table in tests/data/acpi read from its text
// with facts pinned from the file; the binary reader on the same table (QEMU's own binary, and
// iasl's compile of the text when iasl is installed) agrees; hostile tables are refused with
// one InputError naming what is wrong.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "io/acpi/dmar.h"
#include "io/acpi/iort.h"
#include "io/acpi/ivrs.h"
#include "io/acpi/report.h"
#include "io/acpi/table.h"
#include "io/input_error.h"

namespace atslab::io::acpi {
namespace ATSLAB_UNITY_ID {
namespace {

namespace fs = std::filesystem;

std::string data(const std::string& name) { return std::string(ATSLAB_SOURCE_DIR) + "/tests/data/acpi/" + name; }

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<uint8_t> bytes_of(const std::string& path) {
  const std::string s = slurp(path);
  return {s.begin(), s.end()};
}

// The message of the InputError `f` throws, or "" when it does not throw one.
template <typename F>
std::string refusal(F f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

// ---- the published tables, from their text ----

TEST(AcpiIort, CixSky1Revision5HasTwoSmmuv3sAndARootComplexWithAts) {
  const Iort t = parse_iort(load_table(data("cix-sky1-orion-o6.IORT.dsl")));
  EXPECT_EQ(t.table.header.revision, 5);
  EXPECT_EQ(t.table.header.length, 0xad8u);
  ASSERT_EQ(t.nodes.size(), 19u);
  EXPECT_TRUE(t.table.notes.empty()) << t.table.notes.front();  // the raw data's checksum holds
  const IortNode* smmu = t.node_at(0x48);
  ASSERT_NE(smmu, nullptr);
  EXPECT_EQ(smmu->type, ACPI_IORT_NODE_SMMU_V3);
  EXPECT_EQ(smmu->base_address, 0x0b010000u);
  EXPECT_TRUE(smmu->flags & ACPI_IORT_SMMU_V3_COHACC_OVERRIDE);
  const IortNode* rc = t.node_at(0xa0);
  ASSERT_NE(rc, nullptr);
  EXPECT_EQ(rc->type, ACPI_IORT_NODE_PCI_ROOT_COMPLEX);
  EXPECT_EQ(rc->pci_segment_number, 0u);
  EXPECT_EQ(rc->ats_attribute, ACPI_IORT_ATS_SUPPORTED);
  ASSERT_EQ(rc->mappings.size(), 1u);
  EXPECT_EQ(rc->mappings[0].id_count, 0xffffu);
  EXPECT_EQ(rc->mappings[0].output_reference, 0x48u);
  EXPECT_EQ(t.node_at(0xdc)->base_address, 0x0b1b0000u);
  EXPECT_TRUE(t.node_at(0xdc)->mappings.empty());
  const IortNode* dpu0 = t.node_at(0x120);
  EXPECT_EQ(dpu0->device_name, "\\_SB_.DPU0");
  ASSERT_EQ(dpu0->mappings.size(), 5u);
  EXPECT_TRUE(dpu0->mappings[2].single());
  EXPECT_EQ(dpu0->mappings[2].output_base, 3u);
  EXPECT_EQ(t.node_at(0x9e0)->type, ACPI_IORT_NODE_RMR);
  EXPECT_EQ(t.node_at(0x9e0)->mappings.size(), 10u);
  // RID 01:00.0 on segment 0: through the root complex's identity mapping to the first SMMUv3.
  auto r = iort_map_rid(t, 0, 0x0100);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->root_complex, rc);
  EXPECT_EQ(r->smmu, smmu);
  EXPECT_EQ(r->stream_id, 0x0100u);
  EXPECT_FALSE(iort_map_rid(t, 1, 0x0100)) << "no root complex has segment 1";
}

TEST(AcpiIort, QemuVirtSmmuv3DevRoutesPcie0AndPcie1ToTwoSmmusAndTheRestToTheIts) {
  const Iort t = parse_iort(load_table(data("qemu-virt-smmuv3-dev.IORT.dsl")));
  EXPECT_EQ(t.table.header.revision, 3);
  ASSERT_EQ(t.nodes.size(), 4u);
  EXPECT_EQ(t.node_at(0x48)->base_address, 0x0c000000u);
  EXPECT_EQ(t.node_at(0xa0)->base_address, 0x0c020000u);
  const IortNode* rc = t.node_at(0xf8);
  EXPECT_EQ(rc->ats_attribute, 0u) << "QEMU's root complex does not claim ATS";
  ASSERT_EQ(rc->mappings.size(), 4u);
  auto a = iort_map_rid(t, 0, 0x0008);
  ASSERT_TRUE(a && a->smmu);
  EXPECT_EQ(a->smmu->offset, 0x48u);
  EXPECT_EQ(a->stream_id, 0x0008u);
  auto b = iort_map_rid(t, 0, 0x1040);
  ASSERT_TRUE(b && b->smmu);
  EXPECT_EQ(b->smmu->offset, 0xa0u);
  EXPECT_EQ(b->stream_id, 0x1040u);
  auto its = iort_map_rid(t, 0, 0x0300);
  ASSERT_TRUE(its);
  EXPECT_EQ(its->smmu, nullptr) << "pcie.2's RIDs go to the ITS only";
  auto edge = iort_map_rid(t, 0, 0x01ff);  // the last ID of the first mapping (id_count is N-1)
  ASSERT_TRUE(edge && edge->smmu);
  EXPECT_EQ(edge->smmu->offset, 0x48u);
  EXPECT_EQ(iort_map_rid(t, 0, 0x0200)->smmu, nullptr);
}

TEST(AcpiIort, QemuVirtSmmuv3LegacyRoutesBothBusesToOneSmmu) {
  const Iort t = parse_iort(load_table(data("qemu-virt-smmuv3-legacy.IORT.dsl")));
  ASSERT_EQ(t.nodes.size(), 3u);
  EXPECT_EQ(t.node_at(0x48)->base_address, 0x09050000u);
  EXPECT_EQ(iort_map_rid(t, 0, 0x0010)->smmu->offset, 0x48u);
  EXPECT_EQ(iort_map_rid(t, 0, 0x10ff)->smmu->offset, 0x48u);
  EXPECT_EQ(iort_map_rid(t, 0, 0x10ff)->stream_id, 0x10ffu);
}

TEST(AcpiDmar, LegionPro5HasTheGpusUnitAndAnIncludeAllUnitAndNoAtsr) {
  const Dmar d = parse_dmar(load_table(data("lenovo-legion-pro-5-16irx9.DMAR.dsl")));
  EXPECT_EQ(d.width + 1, 39);
  EXPECT_EQ(d.flags, DMAR_INTR_REMAP | DMAR_PLATFORM_OPT_IN);
  ASSERT_EQ(d.drhds.size(), 2u);
  EXPECT_EQ(d.drhds[0].address, 0xfed90000u);
  EXPECT_FALSE(d.drhds[0].flags & DMAR_INCLUDE_PCI_ALL);
  ASSERT_EQ(d.drhds[0].scopes.size(), 1u);
  EXPECT_EQ(d.drhds[0].scopes[0].entry_type, ACPI_DMAR_SCOPE_TYPE_ENDPOINT);
  EXPECT_EQ(d.drhds[0].scopes[0].rid(), 0x0010) << "00:02.0, the integrated GPU";
  EXPECT_EQ(d.drhds[1].address, 0xfed91000u);
  EXPECT_TRUE(d.drhds[1].flags & DMAR_INCLUDE_PCI_ALL);
  EXPECT_EQ(d.drhds[1].scopes[0].text(), "IOAPIC 2 at 00:1e.7");
  ASSERT_EQ(d.rmrrs.size(), 1u);
  EXPECT_EQ(d.rmrrs[0].address, 0x7c000000u);
  EXPECT_EQ(d.rmrrs[0].end_address, 0x803fffffu);
  EXPECT_TRUE(d.atsrs.empty());
  EXPECT_EQ(dmar_find_drhd(d, 0, 0x0010), &d.drhds[0]);
  EXPECT_EQ(dmar_find_drhd(d, 0, 0x0100), &d.drhds[1]) << "01:00.0 falls to INCLUDE_PCI_ALL";
  EXPECT_EQ(dmar_find_drhd(d, 1, 0x0100), nullptr);
  EXPECT_TRUE(dmar_ats_supported(d, 0, 0x0010).supported) << "an integrated device";
  const uint16_t root_port = 0x00e0;  // 00:1c.0
  EXPECT_FALSE(dmar_ats_supported(d, 0, 0x0100, std::vector<uint16_t>{root_port}).supported) << "no ATSR names any root port";
}

TEST(AcpiDmar, MsiClawA1mHasASatcWithAtcRequiredForTheGpuAndTheNpu) {
  const Dmar d = parse_dmar(load_table(data("msi-claw-a1m.DMAR.dsl")));
  EXPECT_EQ(d.width + 1, 42);
  ASSERT_EQ(d.drhds.size(), 2u);
  EXPECT_EQ(d.drhds[0].address, 0xfc800000u);
  EXPECT_EQ(d.drhds[1].address, 0xfc801000u);
  ASSERT_EQ(d.satcs.size(), 1u);
  EXPECT_TRUE(d.satcs[0].flags & ACPI_DMAR_ATC_REQUIRED);
  ASSERT_EQ(d.satcs[0].scopes.size(), 2u);
  EXPECT_EQ(d.satcs[0].scopes[1].rid(), 0x0058) << "00:0b.0, the NPU";
  EXPECT_TRUE(d.atsrs.empty());
  EXPECT_TRUE(d.table.notes.empty()) << "the SIDP (type 6) is skipped by its length, the checksum holds";
  EXPECT_EQ(dmar_find_drhd(d, 0, 0x0058), &d.drhds[1]) << "the NPU is under INCLUDE_PCI_ALL";
  EXPECT_TRUE(dmar_ats_supported(d, 0, 0x0058).supported);
  EXPECT_FALSE(dmar_ats_supported(d, 0, 0x0058, {}, /*scalable_mode=*/false).supported)
      << "ATC_REQUIRED without scalable mode: no ATS";
}

TEST(AcpiDmar, AsrockX99AtsrNamesTwoRootPortsAndOnlyTheirDevicesGetAts) {
  const Dmar d = parse_dmar(load_table(data("asrock-x99-extreme4.DMAR.dsl")));
  EXPECT_EQ(d.width + 1, 46);
  ASSERT_EQ(d.drhds.size(), 2u);
  EXPECT_EQ(d.drhds[0].address, 0xfbffd000u);
  EXPECT_EQ(d.drhds[0].scopes[0].rid(), 0x00d8) << "00:1b.0, the HD audio";
  EXPECT_EQ(d.drhds[1].scopes.size(), 3u) << "two IOAPICs and the HPET";
  ASSERT_EQ(d.atsrs.size(), 1u);
  EXPECT_FALSE(d.atsrs[0].flags & ACPI_DMAR_ALL_PORTS);
  ASSERT_EQ(d.atsrs[0].scopes.size(), 2u);
  EXPECT_EQ(d.atsrs[0].scopes[0].rid(), 0x0008) << "root port 00:01.0";
  EXPECT_EQ(d.atsrs[0].scopes[1].rid(), 0x0018) << "root port 00:03.0";
  const std::vector<uint16_t> below_03{0x0018}, below_1c{0x00e0};
  EXPECT_TRUE(dmar_ats_supported(d, 0, 0x0200, below_03).supported);
  EXPECT_FALSE(dmar_ats_supported(d, 0, 0x0500, below_1c).supported) << "the PCH's root ports are in no ATSR";
  EXPECT_EQ(dmar_find_drhd(d, 0, 0x00d8), &d.drhds[0]);
  EXPECT_EQ(dmar_find_drhd(d, 0, 0x0200, below_03), &d.drhds[1]);
}

TEST(AcpiText, CrlfLineEndingsReadAsLf) {
  std::string text = slurp(data("msi-claw-a1m.DMAR.dsl"));
  std::string crlf;
  for (char c : text) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  EXPECT_EQ(text_to_bytes(crlf, "crlf.dsl"), text_to_bytes(text, "lf.dsl"));
}

TEST(AcpiDmar, AtsrRootPortsAndAllPortsDecideAts) {
  // A table of our own (not published): one DRHD naming bridge 00:1c.0, one ATSR naming it.
  std::vector<uint8_t> b(48, 0);
  const char sig[] = "DMAR";
  std::copy(sig, sig + 4, b.begin());
  auto put16 = [&](uint16_t v) { b.push_back(uint8_t(v)), b.push_back(uint8_t(v >> 8)); };
  // DRHD: type 0, length 24, flags 0, segment 0, base 0xfed90000, bridge scope 00:1c.0
  put16(0), put16(24), b.push_back(0), b.push_back(0), put16(0);
  for (uint64_t v = 0xfed90000, i = 0; i < 8; ++i, v >>= 8) b.push_back(uint8_t(v));
  for (uint8_t x : {2, 8, 0, 0, 0, 0, 0x1c, 0}) b.push_back(x);
  // ATSR: type 2, length 16, flags 0, segment 0, bridge scope 00:1c.0
  put16(2), put16(16), b.push_back(0), b.push_back(0), put16(0);
  for (uint8_t x : {2, 8, 0, 0, 0, 0, 0x1c, 0}) b.push_back(x);
  b[4] = uint8_t(b.size());
  const Dmar d = parse_dmar(table_from_bytes(b, "own.dat"));
  ASSERT_EQ(d.atsrs.size(), 1u);
  const std::vector<uint16_t> below_1c{0x00e0}, below_1d{0x00e8};
  EXPECT_TRUE(dmar_ats_supported(d, 0, 0x0100, below_1c).supported);
  EXPECT_FALSE(dmar_ats_supported(d, 0, 0x0200, below_1d).supported);
  EXPECT_EQ(dmar_find_drhd(d, 0, 0x0100, below_1c), &d.drhds[0]) << "matched by the bridge above it";
  EXPECT_EQ(dmar_find_drhd(d, 0, 0x0200, below_1d), nullptr) << "no INCLUDE_PCI_ALL unit";
  b[72 + 4] = ACPI_DMAR_ALL_PORTS;  // the ATSR's flags (the ATSR follows the 24-byte DRHD at 48)
  const Dmar all = parse_dmar(table_from_bytes(b, "own.dat"));
  EXPECT_TRUE(dmar_ats_supported(all, 0, 0x0200, below_1d).supported);
  // `atslab acpi --device` has no hierarchy: for 01:00.0 (below 00:1c.0, which it cannot know)
  // it finds no unit, and says the DRHD's bridge scope may yet cover it; for the bridge itself it
  // answers from the scope alone.
  const AnyTable t = d;
  const std::string text = acpi_text(t, {{0, 0x0100}, {0, 0x00e0}});
  EXPECT_NE(text.find("0000:01:00.0 -> no DRHD of that segment (unless it sits below a bridge a DRHD names: that needs the "
                      "hierarchy, `atslab audit --lspci DUMP --acpi TABLE`)\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("0000:00:1c.0 -> DRHD 0x30 (base 0xfed90000) by its device scope\n"), std::string::npos) << text;
  const auto j = acpi_json(t, {{0, 0x0100}, {0, 0x00e0}});
  EXPECT_TRUE(j["devices"][0]["hierarchy_needed"].get<bool>());
  EXPECT_FALSE(j["devices"][1]["hierarchy_needed"].get<bool>());
}

TEST(AcpiIvrs, Legion5HasThreeIvhdTypesOfOneIommuAndLinuxReadsType40) {
  const Ivrs v = parse_ivrs(load_table(data("lenovo-legion-5-15ach6h.IVRS.dsl")));
  EXPECT_EQ(v.iv_info, 0x00203043u);
  ASSERT_EQ(v.ivhds.size(), 3u);
  EXPECT_EQ(v.ivhds[0].type, IVHD_TYPE_10);
  EXPECT_EQ(v.ivhds[1].type, IVHD_TYPE_11);
  EXPECT_EQ(v.ivhds[2].type, IVHD_TYPE_40);
  EXPECT_FALSE(v.ivhds[0].used);
  EXPECT_FALSE(v.ivhds[1].used);
  EXPECT_TRUE(v.ivhds[2].used);
  for (const auto& h : v.ivhds) {
    EXPECT_EQ(h.devid, 0x0002) << "the IOMMU is 00:00.2";
    EXPECT_EQ(h.mmio_phys, 0xfdf00000u);
    EXPECT_EQ(h.cap_ptr, 0x40);
    EXPECT_TRUE(h.flags & IVHD_FLAG_IOTLB_SUP);
  }
  EXPECT_EQ(v.ivhds[1].efr_reg, 0x206d73ef22254adeu);
  const auto& r = v.ivhds[2].ranges;
  ASSERT_GE(r.size(), 2u);
  EXPECT_EQ(r[0].first, 0x0008);
  EXPECT_EQ(r[0].last, 0xfffe);
  EXPECT_EQ(r[1].entry_type, IVHD_DEV_ALIAS_RANGE);
  EXPECT_EQ(r[1].first, 0xff00);
  EXPECT_EQ(r[1].last, 0xffff);
  EXPECT_EQ(r[1].alias, 0x00a5);
  size_t hids = 0;
  for (const auto& e : r)
    if (e.entry_type == IVHD_DEV_ACPI_HID) {
      ++hids;
      EXPECT_EQ(e.hid, "AMDI0020");
    }
  EXPECT_EQ(hids, 4u) << "type 0x40 carries four ACPI HID entries, which only the raw data shows";
  auto a = ivrs_find_iommu(v, 0, 0x0100);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->ivhd, &v.ivhds[2]);
  auto alias = ivrs_find_iommu(v, 0, 0xff10);
  ASSERT_TRUE(alias);
  EXPECT_EQ(alias->range->alias, 0x00a5) << "the later alias range wins, as Linux fills its table in order";
  EXPECT_FALSE(ivrs_find_iommu(v, 0, 0x0000)) << "00:00.0 is in no entry";
}

// ---- the binary reader on the same tables ----

TEST(AcpiBinary, QemusOwnBinaryIortsReadAsTheirText) {
  for (const std::string name : {"qemu-virt-smmuv3-dev", "qemu-virt-smmuv3-legacy"}) {
    const RawTable text = load_table(data(name + ".IORT.dsl"));
    const RawTable bin = load_table(data(name + ".IORT.dat"));
    EXPECT_EQ(text.bytes, bin.bytes) << name;
    EXPECT_TRUE(bin.notes.empty()) << name;
  }
}

TEST(AcpiBinary, TheRawDataOfEachTextReadsTheSameAsABinaryFile) {
  for (const std::string name :
       {"cix-sky1-orion-o6.IORT", "lenovo-legion-pro-5-16irx9.DMAR", "msi-claw-a1m.DMAR", "asrock-x99-extreme4.DMAR",
        "lenovo-legion-5-15ach6h.IVRS"}) {
    const RawTable text = load_table(data(name + ".dsl"));
    const fs::path bin = fs::temp_directory_path() / ("atslab-acpi-" + name + ".dat");
    std::ofstream(bin, std::ios::binary).write(reinterpret_cast<const char*>(text.bytes.data()), std::streamsize(text.bytes.size()));
    const AnyTable a = load_any(data(name + ".dsl")), b = load_any(bin.string());
    EXPECT_EQ(acpi_json(a, {})["nodes"], acpi_json(b, {})["nodes"]) << name;
    EXPECT_EQ(acpi_json(a, {})["drhd"], acpi_json(b, {})["drhd"]) << name;
    EXPECT_EQ(acpi_json(a, {})["ivhd"], acpi_json(b, {})["ivhd"]) << name;
    fs::remove(bin);
  }
}

// iasl compiles the disassembly back to the binary: the binary reader must agree with the
// text reader on it (but for the fields iasl zeroes as reserved). iasl 20200925 (Debian 12)
// compiles two DMARs and QEMU's IORTs; it cannot compile the CIX IORT (revision 5 fields it
// does not know), the MSI Claw's DMAR (an SIDP, type 6) or the IVRS (subtable 0x40), which the
// test above covers through their raw data.
TEST(AcpiBinary, IaslsCompileOfEachTextReadsAsTheText) {
  if (std::system("iasl -v >/dev/null 2>&1") != 0) {
    if (ATSLAB_NO_SKIPS) FAIL() << "iasl not installed (CI): apt-get install acpica-tools";
    GTEST_SKIP() << "iasl not installed (Debian acpica-tools)";
  }
  const fs::path dir = fs::temp_directory_path() / ("atslab-iasl-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  for (const std::string name : {"lenovo-legion-pro-5-16irx9.DMAR", "asrock-x99-extreme4.DMAR", "qemu-virt-smmuv3-dev.IORT",
                                 "qemu-virt-smmuv3-legacy.IORT"}) {
    // iasl takes the disassembly as it printed it: without our "# source:" line.
    std::string text = slurp(data(name + ".dsl"));
    text = text.substr(text.find('\n') + 1);
    std::ofstream(dir / "in.dsl") << text;
    const std::string cmd = "cd " + dir.string() + " && iasl -p out in.dsl >iasl.log 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << name << ": " << slurp((dir / "iasl.log").string());
    const AnyTable from_text = load_any(data(name + ".dsl"));
    const AnyTable from_iasl = load_any((dir / "out.aml").string());
    // iasl 20200925 calls IORT revision 3's node identifier "Reserved" and compiles it as zero.
    auto strip = [](nlohmann::json j) {
      j.erase("file");
      j.erase("notes");
      if (j.contains("nodes"))
        for (auto& n : j["nodes"]) n.erase("identifier");
      return j;
    };
    EXPECT_EQ(strip(acpi_json(from_text, {})), strip(acpi_json(from_iasl, {}))) << name;
  }
  fs::remove_all(dir);
}

// ---- hostile tables ----

RawTable qemu_dev() { return table_from_bytes(bytes_of(data("qemu-virt-smmuv3-dev.IORT.dat")), "t.dat"); }

void put32(std::vector<uint8_t>& b, size_t off, uint32_t v) {
  for (int i = 0; i < 4; ++i) b[off + i] = uint8_t(v >> (8 * i));
}

std::string iort_refusal(void (*mutate)(std::vector<uint8_t>&)) {
  auto b = qemu_dev().bytes;
  mutate(b);
  return refusal([&] { parse_iort(table_from_bytes(b, "t.dat")); });
}

TEST(AcpiHostile, IortNodesAndMappingsThatDoNotFitAreRefused) {
  EXPECT_NE(iort_refusal([](auto& b) { b[0xf9] = 0x00, b[0xfa] = 0x01; }).find("past the table's end"), std::string::npos);
  EXPECT_NE(iort_refusal([](auto& b) { b[0x31] = 0, b[0x32] = 0; }).find("shorter than a node header"), std::string::npos);
  EXPECT_NE(iort_refusal([](auto& b) { put32(b, 36, 0xffffffff); }).find("more than the table's"), std::string::npos);
  EXPECT_NE(iort_refusal([](auto& b) { put32(b, 0x100, 0x0ccccccd); }).find("past its length"), std::string::npos)
      << "a mapping count whose 20-byte entries overflow 32 bits";
  EXPECT_NE(iort_refusal([](auto& b) { put32(b, 40, 0x10); }).find("not inside the table after its header"), std::string::npos);
  EXPECT_EQ(iort_refusal([](auto& b) { put32(b, 0x128, 0x50); }),
            "t.dat: ID mapping 0 of the root complex node at 0xf8 references 0x50, which is not a node");
}

TEST(AcpiIort, OutputReferenceZeroIsANoteAndEndsTheLookupAsInLinux) {
  auto b = qemu_dev().bytes;
  put32(b, 0x128, 0);  // the root complex's first mapping: "no parent"
  const Iort t = parse_iort(table_from_bytes(b, "t.dat"));
  ASSERT_FALSE(t.table.notes.empty());
  EXPECT_NE(t.table.notes.back().find("the root complex node at 0xf8 has 1 ID mapping with output reference 0"), std::string::npos);
  // iort_node_map_id checks the node's first mapping only, and fails every lookup through it:
  // the other mappings do not work either.
  for (uint32_t rid : {0x0010u, 0x1010u}) {
    auto r = iort_map_rid(t, 0, rid);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->smmu, nullptr) << std::hex << rid;
    EXPECT_NE(r->why.find("first ID mapping has a NULL output reference"), std::string::npos) << r->why;
  }
  EXPECT_NE(acpi_text(t, {{0, 0x0010}}).find("no node (reference 0)"), std::string::npos);
}

// Kunpeng 920's IORT (edk2-platforms Hi1620Iort.asl) has ranges that touch: 7b00-7c00 to one SMMU,
// 7c00-7e00 to another, each id_count one too large. Linux's iort_id_map() returns -EAGAIN for a
// range's last ID, and a later range that starts at that ID takes it ("applying workaround"); an ID
// that only ends a range stays with it; a later range that covers the ID without starting there is
// disregarded.
TEST(AcpiIort, TouchingRangesGiveTheSharedIdToTheRangeThatStartsThere) {
  Iort t;
  IortNode rc{.offset = 0x30, .type = ACPI_IORT_NODE_PCI_ROOT_COMPLEX};
  rc.mappings = {{.input_base = 0x7b00, .id_count = 0x100, .output_base = 0x7b00, .output_reference = 0x100},
                 {.input_base = 0x7c00, .id_count = 0x200, .output_base = 0x7c00, .output_reference = 0x200},
                 {.input_base = 0x7d00, .id_count = 0x200, .output_base = 0x9d00, .output_reference = 0x100}};
  t.nodes = {rc, IortNode{.offset = 0x100, .type = ACPI_IORT_NODE_SMMU_V3}, IortNode{.offset = 0x200, .type = ACPI_IORT_NODE_SMMU_V3}};
  auto shared = iort_map_rid(t, 0, 0x7c00);
  ASSERT_TRUE(shared && shared->smmu);
  EXPECT_EQ(shared->smmu->offset, 0x200u);
  EXPECT_EQ(shared->stream_id, 0x7c00u);
  EXPECT_TRUE(shared->workaround);
  auto inside = iort_map_rid(t, 0, 0x7b80);
  ASSERT_TRUE(inside && inside->smmu);
  EXPECT_EQ(inside->smmu->offset, 0x100u);
  EXPECT_FALSE(inside->workaround);
  // 7e00 ends the second range; the third covers it but starts at 7d00: the second keeps it.
  auto end = iort_map_rid(t, 0, 0x7e00);
  ASSERT_TRUE(end && end->smmu);
  EXPECT_EQ(end->smmu->offset, 0x200u);
  EXPECT_EQ(end->stream_id, 0x7e00u);
  EXPECT_FALSE(end->workaround);
  auto none = iort_map_rid(t, 0, 0x1000);
  ASSERT_TRUE(none);
  EXPECT_EQ(none->smmu, nullptr);
  EXPECT_EQ(none->why, "no ID mapping of root complex 0x30 takes ID 0x1000");
}

TEST(AcpiHostile, AMappingLoopIsAnErrorNotAHang) {
  auto b = qemu_dev().bytes;
  put32(b, 0x128, 0xf8);  // the root complex's first mapping points back at itself
  const Iort t = parse_iort(table_from_bytes(b, "t.dat"));
  EXPECT_NE(refusal([&] { iort_map_rid(t, 0, 0x10); }).find("form a loop"), std::string::npos);
}

TEST(AcpiHostile, TruncatedAndShortTablesAreRefusedAndABadChecksumIsANote) {
  auto b = qemu_dev().bytes;
  EXPECT_EQ(refusal([&] { table_from_bytes({b.begin(), b.begin() + 100}, "t.dat"); }),
            "t.dat: IORT table length 364 but only 100 bytes given (truncated)");
  EXPECT_NE(refusal([&] { table_from_bytes({b.begin(), b.begin() + 20}, "t.dat"); }).find("shorter than an ACPI table header"),
            std::string::npos);
  auto huge = b;
  put32(huge, 4, 0x7fffffff);
  EXPECT_NE(refusal([&] { table_from_bytes(huge, "t.dat"); }).find("longer than any IORT, DMAR or IVRS"), std::string::npos);
  b[9] ^= 1;
  const RawTable t = table_from_bytes(b, "t.dat");
  ASSERT_EQ(t.notes.size(), 1u);
  EXPECT_NE(t.notes[0].find("checksum"), std::string::npos);
  EXPECT_EQ(parse_iort(t).nodes.size(), 4u);
}

TEST(AcpiHostile, DmarStructuresAndScopesThatDoNotFitAreRefused) {
  const auto good = load_table(data("lenovo-legion-pro-5-16irx9.DMAR.dsl")).bytes;
  auto with = [&](size_t off, uint8_t v) {
    auto b = good;
    b[off] = v;
    if (off == 0x33) b[0x32] = 0;
    return refusal([&] { parse_dmar(table_from_bytes(b, "d.dat")); });
  };
  EXPECT_NE(with(0x32, 0).find("shorter than its header"), std::string::npos) << "a zero length would loop";
  EXPECT_NE(with(0x33, 0x10).find("past the table's end"), std::string::npos);
  EXPECT_NE(with(0x41, 0x30).find("past its structure"), std::string::npos);
  EXPECT_NE(with(0x41, 7).find("half a (device, function) pair"), std::string::npos);
}

TEST(AcpiHostile, IvrsEntriesThatDoNotFitAreRefused) {
  const auto good = load_table(data("lenovo-legion-5-15ach6h.IVRS.dsl")).bytes;
  auto with = [&](size_t off, uint8_t v) {
    auto b = good;
    b[off] = v;
    return refusal([&] { parse_ivrs(table_from_bytes(b, "v.dat")); });
  };
  EXPECT_NE(with(0x48, 0x80).find("no length IVRS defines"), std::string::npos);
  EXPECT_NE(with(0x48, IVHD_DEV_SELECT).find("range end at 0x4c without its start"), std::string::npos);
  EXPECT_NE(with(0x4c, IVHD_DEV_SELECT).find("has no end before"), std::string::npos);
  EXPECT_NE(with(0x33, 0xff).find("past the table's end"), std::string::npos);
  EXPECT_NE(with(0x32, 0x10).find("shorter than its 24-byte header"), std::string::npos);
}

TEST(AcpiHostile, TextThatIsNotADisassemblyIsRefusedAtItsLine) {
  EXPECT_NE(refusal([] { text_to_bytes("hello\nworld\n", "g.txt"); }).find("neither an ACPI table nor iasl's disassembly"),
            std::string::npos);
  EXPECT_EQ(refusal([] { text_to_bytes("[000h 0000 004h]  Signature : \"IORT\"\n[004h 0004 004h]  Table Length : zz\n", "g.txt"); }),
            "g.txt:2: a value that is neither a hex number, a string nor hex bytes ('[004h 0004 004h]  Table Length : zz')");
  EXPECT_NE(refusal([] { text_to_bytes("[010h 0020 004h]  X : 00\n", "g.txt"); }).find("g.txt:1: the hex and decimal offsets differ"),
            std::string::npos);
  EXPECT_NE(refusal([] { text_to_bytes("[FFFFFh 1048575 004h]  X : 00\n", "g.txt"); }).find("past 1024 KiB"), std::string::npos);
  EXPECT_NE(refusal([] { text_to_bytes("[000h 0000 001h]  X : 1FF\n", "g.txt"); }).find("does not fit in 1 bytes"),
            std::string::npos);
  EXPECT_NE(refusal([] { text_to_bytes("Raw Table Data: Length 32 (0x20)\n\n  0000: 49 4F\n  0020: 00\n", "g.txt"); })
                .find("a raw-data row at offset 0020 where 2 was expected"),
            std::string::npos);
  // A header alone: the bytes the text does not give read as zeros (a note says so), and the
  // IORT reader asks for the node count past the table's end.
  const fs::path h = fs::temp_directory_path() / ("atslab-acpi-header-" + std::to_string(::getpid()) + ".txt");
  std::ofstream(h) << "# source: none\n[000h 0000 004h]  Signature : \"IORT\"\n[004h 0004 004h]  Table Length : 00000024\n";
  const RawTable t = load_table(h.string());
  EXPECT_EQ(t.bytes.size(), 0x24u);
  EXPECT_NE(t.notes.front().find("the rest is read as zeros"), std::string::npos);
  EXPECT_EQ(refusal([&] { parse_iort(t); }),
            h.string() + ": IORT node count at offset 0x24 (4 bytes) runs past the table's end at 0x24");
  fs::remove(h);
}

TEST(AcpiDevice, AddressesAreReadAsLspciPrintsThem) {
  EXPECT_EQ(parse_device_address("01:00.0").rid, 0x0100);
  EXPECT_EQ(parse_device_address("0001:10:1f.7").segment, 1);
  EXPECT_EQ(parse_device_address("0001:10:1f.7").rid, 0x10ff);
  for (const char* bad : {"", "1:2", "00:20.0", "00:00.8", "x:00:00.0", "10000:00:00.0", "00:00.0 "})
    EXPECT_NE(refusal([&] { parse_device_address(bad); }), "") << bad;
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::io::acpi
