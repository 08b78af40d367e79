#pragma once
// A PCIe function doing DMA (requests without PASID) behind a VT-d or AMD-Vi
// unit, as hw/device_dma.h does behind an SMMU: with ATS enabled it consults
// its ATC, sends a Translation Request on a miss and caches the completion,
// then issues a translated request; with ATS disabled it issues untranslated
// requests.
#include <cstdint>

#include "hw/device_dma.h"
#include "hw/machine.h"

namespace atslab::hw {

// A Translation Request from `fn`; caches the completion in its ATC. False when ATS is
// disabled at the function (it sends none) or the unit refused.
bool remap_device_ats_translate(Machine& m, pcie::IommuKind kind, unsigned unit, pcie::FnId fn, uint64_t iova);

DmaResult remap_device_dma(Machine& m, pcie::IommuKind kind, unsigned unit, pcie::FnId fn, uint64_t iova, bool write);

// The same with PASID `pasid` (the function's PASID Enable is the caller's to check): the
// Translation Request and the translated or untranslated request carry the PASID, and the
// completion is cached as that PASID's.
bool remap_device_ats_translate_pasid(Machine& m, pcie::IommuKind kind, unsigned unit, pcie::FnId fn, uint32_t pasid,
                                      uint64_t iova);
DmaResult remap_device_pasid_dma(Machine& m, pcie::IommuKind kind, unsigned unit, pcie::FnId fn, uint32_t pasid,
                                 uint64_t iova, bool write);

}  // namespace atslab::hw
