/*
 * spec/ats.pml - an independent Promela model of PCIe ATS as Linux manages it
 * behind an Arm SMMUv3 (issue 6), the same abstraction as atslab's C++ model:
 * the PCI ATS core (pci_ats_supported / pci_prepare_ats / pci_enable_ats /
 * pci_disable_ats), the SMMUv3 driver's ATS tracking (master->ats_enabled,
 * nr_ats_masters, the 2026 invalidation arrays, STE.EATS) and its two-phase
 * attach, under the five designs of src/policy/ats_variant.h.
 *
 * Written from /work/shared/docs/kernel-semantics.md (sections 1.3, 3.3,
 * 3.5-3.7, 7, 8) and the seed thread; see spec/README.md for what the
 * abstraction leaves out.
 *
 * Configuration (small on purpose): one SMMU with FEAT_ATS and a 4 KiB
 * smallest page (STU 12), a root complex that declares ATS, one PF and two
 * VFs of it (StreamIDs 0 and 1), and four domains: none (the abort STE a
 * freshly probed master starts with), blocked, and two S1 paging domains
 * D1, D2.  By default the PF's ATS is quirked off (the seed: the PF is never
 * prepared, its ats_stu stays 0, while the VFs still carry an ATS
 * capability).
 *
 * Selection, all with `spin -DNAME ...` or #define:
 *   VARIANT=0..4, or VARIANT_UPSTREAM, VARIANT_SERIES_V3, VARIANT_FAIL_EARLY,
 *                 VARIANT_ROLLBACK, VARIANT_VTD_STYLE        (default upstream)
 *   FAULTS        pci_enable_ats may also fail (-EINVAL or -ENODEV) on any call
 *   PF_HEALTHY    the PF is not quirked: it is probed and prepared (STU 12)
 *   NO_INVALIDATOR  leave the unmap process out
 *   CHECK_INV_n   assert invariant n of section 7, for n in
 *                 1, 4, 9, 10, 11, 12, 13, 14, 23
 *   CHECK_INV_23_STRICT  invariant 23 also while the target's attach is in flight
 *   CHECK_NO_ENABLE_WARN assert that fail-early's "Failed to enable ATS" WARN
 *                        is never reached (a reachability probe)
 */

/* ---- variants ---------------------------------------------------------- */
#define V_UPSTREAM   0
#define V_SERIES_V3  1
#define V_FAIL_EARLY 2
#define V_ROLLBACK   3
#define V_VTD_STYLE  4

#ifdef VARIANT_UPSTREAM
#define VARIANT V_UPSTREAM
#endif
#ifdef VARIANT_SERIES_V3
#define VARIANT V_SERIES_V3
#endif
#ifdef VARIANT_FAIL_EARLY
#define VARIANT V_FAIL_EARLY
#endif
#ifdef VARIANT_ROLLBACK
#define VARIANT V_ROLLBACK
#endif
#ifdef VARIANT_VTD_STYLE
#define VARIANT V_VTD_STYLE
#endif
#ifndef VARIANT
#define VARIANT V_UPSTREAM
#endif

/* What each design changes (ats_variant.cc policy_for / default_switches). */
#define PF_AWARE_SUPPORTED  (VARIANT == V_SERIES_V3 || VARIANT == V_FAIL_EARLY) /* seed patch 1 */
#define VF_STU_VALIDATION   (VARIANT == V_SERIES_V3 || VARIANT == V_FAIL_EARLY) /* seed patch 2 */
#define GATE_ATS_PREPARED   (VARIANT == V_SERIES_V3)   /* patch 3: ats_prepared gate */
#define WARN_ON_ENABLE_FAIL (VARIANT == V_FAIL_EARLY)  /* WARN "kernel bug", keep going */
#define ROLLBACK_ON_FAIL    (VARIANT == V_ROLLBACK)    /* restore array and STE, fail the attach */
#define TRACK_ENABLE_RESULT (VARIANT == V_VTD_STYLE)   /* master->ats_enabled = result */

/* ---- configuration ----------------------------------------------------- */
#define NVF      2      /* VFs 0 and 1; StreamID of VF v is v */
#define SMMU_STU 12     /* __ffs(pgsize_bitmap) for a 4 KiB granule */
#define MIN_STU  12     /* PCI_ATS_MIN_STU */
#define SMMU_FEAT_ATS 1 /* IDR0.ATS */
#define RC_ATS        1 /* IOMMU_FWSPEC_PCI_RC_ATS (IORT) */

#define DNONE    0      /* never attached: the abort STE of arm_smmu_insert_master */
#define DBLOCKED 1
#define D1       2
#define D2       3
#define IS_PAGING(d) ((d) >= D1)
#define PI(d)      ((d) & 1)                     /* D1 -> 0, D2 -> 1 (only used for paging domains) */
#define AIDX(d, v) (PI(d) * NVF + (v))            /* index into per-(paging domain, VF) arrays */

/* errno values (negated where returned) */
#define EINVAL 22
#define EBUSY  16
#define ENODEV 19

/* ---- PCI core state ---------------------------------------------------- */
/* PF (physfn of both VFs) */
bool pf_ats_cap;           /* 0: quirked off (quirk_intel_e2000_no_ats) */
byte pf_ats_stu;           /* page shift programmed by pci_prepare_ats/enable; 0 = never */
bool pf_untrusted;
/* per VF: struct pci_dev fields ... */
bool vf_ats_cap[NVF];      /* the VF's own ATS capability (present) */
bool vf_untrusted[NVF];
bool vf_ats_enabled[NVF];  /* pci_dev->ats_enabled: software mirror */
byte vf_ats_stu[NVF];      /* never written for a VF (section 1.2) */
/* ... and the hardware truth: the Enable bit of the VF's ATS Control register */
bool vf_enable_bit[NVF];

/* ---- SMMUv3 driver state ----------------------------------------------- */
bool probed[NVF];          /* arm_smmu_probe_device succeeded (a master exists) */
bool m_ats[NVF];           /* master->ats_enabled: the driver's belief */
bool m_prepared[NVF];      /* master->ats_prepared (series-v3) */
byte cur[NVF];             /* the domain the master is attached to */
/* the STE of the master's (single) StreamID */
bool ste_trans[NVF];       /* a translating STE (S1 CD-table); otherwise abort */
bool ste_eats[NVF];        /* STE.EATS == TRANS */

/* per paging domain D1, D2 */
byte nr_ats[2];            /* nr_ats_masters */
byte md[2 * NVF];          /* arm_smmu_master_domain entries on D->devices, per master */
byte tag_users[2];         /* users of the S1_ASID tag entry of D->invs */
byte ats_users[2 * NVF];   /* users of the ATS(sid = v, ssid 0) entry of D->invs; 0 = absent/trash */

/* arm_smmu_asid_lock, held from attach_prepare to attach_commit */
bool asid_lock;
bool in_flight[NVF];       /* an attach of this master holds the lock */

/* struct arm_smmu_attach_state of the attach in flight, per master (reset after) */
bool st_ats[NVF];          /* state->ats_enabled: the decision for the new attachment */
byte st_new[NVF];          /* the domain being attached */
byte st_old[NVF];          /* state->old_domain */
bool st_old_build_ats[NVF];/* the old domain's to-unref build was made with this ats state */
bool st_old_ste_trans[NVF];/* rollback: the STE to restore */
bool st_old_ste_eats[NVF];
byte st_ret[NVF];          /* -errno of pci_enable_ats at commit, 0 = success */

/* recorded events (sticky), for trails and the reachability probe */
bool ev_warn_disable_ats;  /* WARN_ON(!dev->ats_enabled) in pci_disable_ats (the seed's splat) */
bool ev_warn_enable_ats;   /* WARN_ON(dev->ats_enabled) in pci_enable_ats */
bool ev_warn_prepare_ats;  /* WARN_ON(dev->ats_enabled) in pci_prepare_ats */
bool ev_warn_enable_fail;  /* fail-early: WARN(1, "Failed to enable ATS") */
bool ev_warn_unref;        /* arm_smmu_invs_unref: entry absent or users would go negative */
bool ev_attach_failed;     /* rollback: an attach returned an error */
bool ev_probe_failed;      /* a VF's IOMMU probe failed */

/* ---- invariant checks (section 7), each selectable --------------------- */
/* 1: pci_dev->ats_enabled mirrors the Enable bit */
#define INV1(v)  (vf_ats_enabled[v] == vf_enable_bit[v])
/* 9 (quiescent master): the driver's belief equals the device */
#define INV9(v)  (in_flight[v] || !probed[v] || m_ats[v] == vf_enable_bit[v])
/* 10 (quiescent master): belief on => the STE translates with EATS */
#define INV10(v) (in_flight[v] || !probed[v] || !m_ats[v] || (ste_trans[v] && ste_eats[v]))
/* 11 (always): PCI ATS on => the STE translates with EATS */
#define INV11(v) (!vf_enable_bit[v] || (ste_trans[v] && ste_eats[v]))
/* 13 (quiescent): nr_ats_masters counts exactly the attachments with PCI ATS on */
#define INV13(p) (asid_lock || nr_ats[p] == md[(p) * NVF] * vf_enable_bit[0] + md[(p) * NVF + 1] * vf_enable_bit[1])
/* 14 (quiescent): the array is the union of the attachments' builds */
#define INV14(p) (asid_lock || (tag_users[p] == md[(p) * NVF] + md[(p) * NVF + 1] && \
                                ats_users[(p) * NVF] == md[(p) * NVF] * vf_enable_bit[0] && \
                                ats_users[(p) * NVF + 1] == md[(p) * NVF + 1] * vf_enable_bit[1]))

inline check_quiescent(v) {
#ifdef CHECK_INV_1
  assert(INV1(0) && INV1(1));
#endif
#ifdef CHECK_INV_9
  assert(INV9(v));
#endif
#ifdef CHECK_INV_10
  assert(INV10(v));
#endif
#ifdef CHECK_INV_13
  assert(INV13(0) && INV13(1));
#endif
#ifdef CHECK_INV_14
  assert(INV14(0) && INV14(1));
#endif
  skip
}

/* after every write of an Enable bit or an STE */
inline check_hw(v) {
#ifdef CHECK_INV_1
  assert(INV1(v));
#endif
#ifdef CHECK_INV_11
  assert(INV11(v));
#endif
  skip
}

/* ---- PCI ATS core (section 1.3) ---------------------------------------- */

/* pci_ats_supported(VF v), upstream or PF-aware (seed patch 1) */
#define PF_SUPPORTED     (pf_ats_cap && !pf_untrusted)
#define VF_SUPPORTED(v)  (vf_ats_cap[v] && !vf_untrusted[v] && (!PF_AWARE_SUPPORTED || PF_SUPPORTED))

/* arm_smmu_ats_supported(master) */
#define SMMU_ATS_SUPPORTED(v) (SMMU_FEAT_ATS && RC_ATS && VF_SUPPORTED(v))

/* pci_prepare_ats(VF v, SMMU_STU) -> ret (0 or errno) */
inline pci_prepare_ats_vf(v, ret) {
  if
  :: !VF_SUPPORTED(v) -> ret = EINVAL
  :: else ->
     if
     :: vf_ats_enabled[v] ->
        ev_warn_prepare_ats = 1;
#ifdef CHECK_INV_4
        assert(false);   /* invariant 4: pci_prepare_ats with ATS enabled */
#endif
        ret = EBUSY
     :: else ->
        /* ps >= PCI_ATS_MIN_STU always holds here. A VF touches nothing; seed
         * patch 2 checks the PF's STU first. */
        if
        :: VF_STU_VALIDATION && pf_ats_stu != SMMU_STU -> ret = EINVAL
        :: else -> ret = 0
        fi
     fi
  fi
}

/* pci_enable_ats(VF v, SMMU_STU) -> ret */
inline pci_enable_ats_vf(v, ret) {
  ret = 0;
#ifdef FAULTS
  /* an injected failure on any call, before any check */
  if
  :: ret = EINVAL
  :: ret = ENODEV
  :: skip
  fi;
#endif
  if
  :: ret != 0 -> skip
  :: else ->
     if
     :: !VF_SUPPORTED(v) -> ret = EINVAL
     :: else ->
        if
        :: vf_ats_enabled[v] ->
           ev_warn_enable_ats = 1;
#ifdef CHECK_INV_4
           assert(false);   /* invariant 4: pci_enable_ats with ATS already enabled */
#endif
           ret = EBUSY
        :: else ->
           if
           :: pf_ats_stu != SMMU_STU -> ret = EINVAL   /* the VF uses its PF's STU */
           :: else ->
              vf_enable_bit[v] = 1;                    /* write Enable (no STU for a VF) */
              vf_ats_enabled[v] = 1
           fi
        fi
     fi
  fi
}

/* pci_disable_ats(VF v) */
inline pci_disable_ats_vf(v) {
  if
  :: !vf_ats_enabled[v] ->
     ev_warn_disable_ats = 1;   /* WARNING: drivers/pci/ats.c:132 at pci_disable_ats */
#ifdef CHECK_INV_4
     assert(false);             /* invariant 4: pci_disable_ats with ATS disabled */
#endif
     skip
  :: else ->
     vf_enable_bit[v] = 0;      /* read Control, clear Enable, write back */
     vf_ats_enabled[v] = 0
  fi
}

/* ---- probe (section 3.5) ----------------------------------------------- */

/* The PF's own arm_smmu_probe_device, for the STU it leaves behind. */
inline probe_pf() {
  /* Every design calls pci_prepare_ats on the PF only when it is supported
   * (series-v3 calls it unconditionally, and it fails -EINVAL when not). */
  if
  :: PF_SUPPORTED -> pf_ats_stu = SMMU_STU   /* pci_prepare_ats: ats_stu = ps, STU written, Enable clear */
  :: else -> skip
  fi
}

inline probe_vf(v, pret) {
  pret = 0;
  if
  :: GATE_ATS_PREPARED ->
     /* series-v3: prepare every PCI device; success opens the gate, failure only closes it */
     pci_prepare_ats_vf(v, pret);
     m_prepared[v] = (pret == 0);
     pret = 0
  :: else ->
     /* 2026 arm_smmu_master_prepare_ats (fail-early checks support first and
      * fails the probe if prepare fails; the C++ model applies the same
      * sequence to upstream, rollback and vtd-style, as the 2026 tree does) */
     if
     :: !SMMU_ATS_SUPPORTED(v) -> skip       /* pci_ats_required() is false: probe goes on */
     :: else ->
        pci_prepare_ats_vf(v, pret);
        m_prepared[v] = (pret == 0)
     fi
  fi;
  if
  :: pret == 0 -> probed[v] = 1; cur[v] = DNONE
  :: else -> ev_probe_failed = 1
  fi;
  pret = 0
}

/* ---- the two-phase attach (sections 3.3, 3.6, 3.7) --------------------- */

/* Exploration bound: with two VFs every counter is at most 2 in a
 * consistent state, so a counter at MAXC means invariant 13 or 14 already
 * failed. Designs that leak (vtd-style: the ATS entry and the count of a
 * failed enable are never dropped) would otherwise grow them without end;
 * no attach starts once one reaches MAXC. Apart from the checks and
 * unref's test for zero, nothing reads the counters. */
#define MAXC 3
#define BOUNDED (nr_ats[0] < MAXC && nr_ats[1] < MAXC && tag_users[0] < MAXC && tag_users[1] < MAXC && \
                 ats_users[0] < MAXC && ats_users[1] < MAXC && ats_users[2] < MAXC && ats_users[3] < MAXC)

/* arm_smmu_attach_prepare, with the lock taken: one step, since only the
 * published array, the counter and the devices list change, and nothing
 * outside the lock reads the latter two. */
inline attach_prepare(v, t) {
  st_old[v] = cur[v];
  st_old_ste_trans[v] = ste_trans[v];
  st_old_ste_eats[v] = ste_eats[v];
  /* 1-2: the ATS decision (paging domains only; no PASIDs, not always-on) */
  if
  :: IS_PAGING(t) ->
     st_ats[v] = SMMU_ATS_SUPPORTED(v) && (!GATE_ATS_PREPARED || m_prepared[v])
  :: else -> st_ats[v] = 0
  fi;
  /* 3: arm_smmu_attach_prepare_invs. New domain: build {tag, ATS(sid) if
   * st_ats} merged into the array (users + 1). Old domain: the to-unref
   * build is made with the master's current belief. */
  st_old_build_ats[v] = m_ats[v];
  /* 4: nr_ats_masters++, master_domain added, merged array published */
  if
  :: IS_PAGING(t) ->
     tag_users[PI(t)]++;
     if
     :: st_ats[v] -> ats_users[AIDX(t, v)]++; nr_ats[PI(t)]++
     :: else -> skip
     fi;
     md[AIDX(t, v)]++
  :: else -> skip
  fi
}

/* arm_smmu_invs_unref of one entry */
inline unref(cnt) {
  if
  :: cnt > 0 -> cnt--
  :: else -> ev_warn_unref = 1
  fi
}

inline attach(v) {
  /* Take asid_lock and choose the target (any domain but the current one,
   * as the IOMMU core skips that) in one step: only this process writes
   * cur[v], so choosing first and then waiting for the lock allows nothing
   * more. Then prepare. */
  atomic {
    !asid_lock && BOUNDED ->
    if
    :: cur[v] != DBLOCKED -> st_new[v] = DBLOCKED
    :: cur[v] != D1 -> st_new[v] = D1
    :: cur[v] != D2 -> st_new[v] = D2
    fi;
    asid_lock = 1; in_flight[v] = 1;
    attach_prepare(v, st_new[v])
  };
  /* 5: PCI ATS off before the STE loses EATS (then wmb) */
  atomic {
    if
    :: !st_ats[v] && m_ats[v] -> pci_disable_ats_vf(v); check_hw(v)
    :: else -> skip
    fi
  };
  /* STE install: translating with EATS = decision, or abort for blocked */
  atomic {
#ifdef CHECK_INV_12
    /* 12: EATS changes only while PCI ATS is disabled */
    assert(!vf_enable_bit[v] || ste_eats[v] == (IS_PAGING(st_new[v]) && st_ats[v]));
#endif
    ste_trans[v] = IS_PAGING(st_new[v]);
    ste_eats[v] = IS_PAGING(st_new[v]) && st_ats[v];
    check_hw(v)
  };
  /* commit, step 2: arm_smmu_enable_ats (full ATC flush, then pci_enable_ats),
   * or the ATC flushes of the other two branches (not modelled: they are the
   * driver's own flushes, which invariant 23 does not cover, finding 5) */
  atomic {
    if
    :: st_ats[v] && !m_ats[v] ->
       pci_enable_ats_vf(v, st_ret[v]);
       check_hw(v);
       if
       :: st_ret[v] != 0 && WARN_ON_ENABLE_FAIL ->
          ev_warn_enable_fail = 1;
#ifdef CHECK_NO_ENABLE_WARN
          assert(false);
#endif
          skip
       :: else -> skip    /* dev_err "Failed to enable ATS (STU 12)" */
       fi
    :: else -> skip
    fi
  };
  if
  :: ROLLBACK_ON_FAIL && st_ret[v] != 0 ->
     /* rollback: the new domain's array back to the one replaced (= minus the
      * build merged at prepare), master_domain removed, counter back ... */
     atomic {
       tag_users[PI(st_new[v])]--;
       if
       :: st_ats[v] -> ats_users[AIDX(st_new[v], v)]--; nr_ats[PI(st_new[v])]--
       :: else -> skip
       fi;
       md[AIDX(st_new[v], v)]--
     };
     /* ... then the old STE rewritten; the attach fails, the master stays on
      * its old domain with its old belief */
     atomic {
#ifdef CHECK_INV_12
       assert(!vf_enable_bit[v] || ste_eats[v] == st_old_ste_eats[v]);
#endif
       ste_trans[v] = st_old_ste_trans[v];
       ste_eats[v] = st_old_ste_eats[v];
       check_hw(v);
       ev_attach_failed = 1;
       st_ats[v] = 0; st_old[v] = 0; st_old_build_ats[v] = 0;
       st_old_ste_trans[v] = 0; st_old_ste_eats[v] = 0; st_ret[v] = 0; st_new[v] = 0;
       in_flight[v] = 0; asid_lock = 0;
       check_quiescent(v)
     }
  :: else ->
     atomic {
       /* 3: arm_smmu_remove_master_domain: the OLD belief decides the decrement */
       if
       :: IS_PAGING(st_old[v]) ->
          md[AIDX(st_old[v], v)]--;
          if
          :: m_ats[v] -> nr_ats[PI(st_old[v])]--
          :: else -> skip
          fi;
          /* 4: arm_smmu_install_old_domain_invs: unref the old build, purge */
          unref(tag_users[PI(st_old[v])]);
          if
          :: st_old_build_ats[v] -> unref(ats_users[AIDX(st_old[v], v)])
          :: else -> skip
          fi
       :: else -> skip
       fi;
       /* 5: master->ats_enabled = the decision (vtd-style: the result) */
       m_ats[v] = st_ats[v] && (!TRACK_ENABLE_RESULT || st_ret[v] == 0);
       cur[v] = st_new[v];
       st_ats[v] = 0; st_old[v] = 0; st_old_build_ats[v] = 0;
       st_old_ste_trans[v] = 0; st_old_ste_eats[v] = 0; st_ret[v] = 0; st_new[v] = 0;
       in_flight[v] = 0; asid_lock = 0;
       check_quiescent(v)
     }
  fi
}

/* ---- processes --------------------------------------------------------- */

/* A VF after its IOMMU probe: attaches in any order (default domain, VFIO's
 * blocked claim, a VFIO domain, the release domain, ...). The IOMMU core
 * does not re-attach the domain a group is already on. */
proctype vf(byte v) {
end:
  do
  :: attach(v)
  od
}

/* An unmap on a paging domain, at any point between attach steps: for every
 * live ATS entry of the array, an ATC_INV to that StreamID (the reader holds
 * invs->rwlock across the walk, so the walk is one step). It changes no
 * state. Invariant 23: no such ATC_INV reaches an endpoint whose Enable bit
 * is clear, unless that master's attach is in flight (the windows the
 * attach ordering opens by design: array before enable, disable before
 * unref); CHECK_INV_23_STRICT drops that exception. */
#ifdef CHECK_INV_23_STRICT
#define ATC_INV_OK(d, v) (ats_users[AIDX(d, v)] == 0 || vf_enable_bit[v])
#else
#define ATC_INV_OK(d, v) (ats_users[AIDX(d, v)] == 0 || vf_enable_bit[v] || in_flight[v])
#endif
proctype invalidator() {
  do
  :: d_step {
#if defined(CHECK_INV_23) || defined(CHECK_INV_23_STRICT)
       assert(ATC_INV_OK(D1, 0) && ATC_INV_OK(D1, 1));
#endif
       skip
     }
  :: d_step {
#if defined(CHECK_INV_23) || defined(CHECK_INV_23_STRICT)
       assert(ATC_INV_OK(D2, 0) && ATC_INV_OK(D2, 1));
#endif
       skip
     }
  od
}

init {
  byte pret;
  atomic {
#ifdef PF_HEALTHY
    pf_ats_cap = 1;
#else
    pf_ats_cap = 0;            /* quirked off before the IOMMU probe: never prepared */
#endif
    pf_untrusted = 0;
    vf_ats_cap[0] = 1; vf_ats_cap[1] = 1;   /* the VFs' own quirk runs later (not modelled) */
    probe_pf();
    probe_vf(0, pret);
    probe_vf(1, pret);
    check_quiescent(0);
    check_quiescent(1);
    if
    :: probed[0] -> run vf(0)
    :: else -> skip
    fi;
    if
    :: probed[1] -> run vf(1)
    :: else -> skip
    fi;
#ifndef NO_INVALIDATOR
    run invalidator()
#endif
  }
}
