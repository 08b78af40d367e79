/*
 * spec/ats.pml - a Promela model of ATS on SR-IOV VFs behind an Arm SMMUv3,
 * written independently of atslab's C++ model (issues 6 and 21): what the
 * design variants and the probe do is taken from the kernel and from the
 * seed review thread, never from atslab's sources. spec/README.md says, for
 * every part, which file, function, kernel version or thread message it
 * follows, and what the abstraction leaves out.
 *
 * The machine: one SMMU with ATS and 4 KiB as its smallest page (so every
 * prepare and enable asks for STU 12), a root complex that declares ATS, one
 * PF and two of its VFs (StreamIDs 0 and 1). Each VF is its own IOMMU group
 * with its own default DMA domain; both can be handed to one VFIO container,
 * whose paging domain they then share. By default the PF's ATS capability is
 * hidden by a quirk before the IOMMU probes it (the seed), so nothing ever
 * programs its STU, while the VFs still show their own capability.
 *
 * Compile-time selection (spin -DNAME):
 *   VARIANT=0..4   upstream, series-v3, fail-early, rollback, vtd-style
 *   FAULTS         pci_enable_ats may also fail, on any call
 *   PF_HEALTHY     the PF is not quirked: its probe programs STU 12
 *   NO_INVALIDATOR no unmap process
 *   CHECK=k        assert check k (below); without it, pan reads the check
 *                  from the environment variable SPIN_CHECK, and FAULTS and
 *                  PF_HEALTHY from SPIN_FAULTS=1 and SPIN_PF_HEALTHY=1, so one
 *                  compiled pan per variant answers every check of every
 *                  configuration (spec/run-spin.sh). With CHECK (spin's own
 *                  simulator replaying a trail, which runs no C code) they are
 *                  the macros above.
 *
 * Checks: k = 1..24 is invariant k of kernel-semantics.md section 7 (those
 * this model can state: 1, 4, 9, 10, 11, 12, 13, 14, 18, 23, 24); k >= 100
 * asserts that one WARN site is never reached (W_* below), which turns pan
 * into a reachability probe for that WARN. k = 90 is invariant 23 without the
 * exception for a VF whose attach is in flight (23_STRICT).
 */

/* ---- design variants ---------------------------------------------------- */
#define V_UPSTREAM   0
#define V_SERIES_V3  1
#define V_FAIL_EARLY 2
#define V_ROLLBACK   3
#define V_VTD_STYLE  4
#ifndef VARIANT
#define VARIANT V_UPSTREAM
#endif

/* Seed patches 1 and 2 (PF-aware support, the VF's STU checked against its
 * PF's in prepare) are in the series (v3) and in the design the review
 * settled on (fail-early), which builds on them. */
#define PCI_PATCHES      (VARIANT == V_SERIES_V3 || VARIANT == V_FAIL_EARLY)
/* v3 patch 3: probe remembers whether prepare worked; attach asks for it. */
#define ATS_PREPARED_GATE (VARIANT == V_SERIES_V3)
/* fail-early probe: prepare only a supported device, and a failed prepare
 * fails the probe (kernel bug, per the review). */
#define PROBE_FAILS_ON_PREPARE (VARIANT == V_FAIL_EARLY)
/* fail-early commit: a failed enable is a kernel bug: WARN, carry on. */
#define ENABLE_FAIL_WARNS (VARIANT == V_FAIL_EARLY)
/* rollback: a failed enable undoes the attach, which then fails. */
#define ENABLE_FAIL_UNDOES (VARIANT == V_ROLLBACK)
/* vtd-style: the driver believes ATS is on only when the enable returned 0. */
#define BELIEF_IS_RESULT (VARIANT == V_VTD_STYLE)

/* ---- checks ------------------------------------------------------------- */
#define W_PCI_DISABLE_ATS   100  /* pci_disable_ats: ATS was not enabled */
#define W_PCI_ENABLE_ATS    101  /* pci_enable_ats: ATS already enabled */
#define W_PCI_PREPARE_ATS   102  /* pci_prepare_ats: ATS already enabled */
#define W_SMMU_ENABLE_ATS   103  /* fail-early's WARN when the enable fails */
#define W_INVS_UNREF        104  /* arm_smmu_invs_unref: entry absent or at 0 users */
#define W_SET_DOMAIN_NOFAIL 105  /* __iommu_group_set_domain_nofail: a must-succeed change failed */
#define W_SETUP_DEFAULT     106  /* iommu_setup_default_domain: the first attach failed */
#define W_GROUP_REVERT      107  /* __iommu_group_set_domain_internal: putting a device back failed */
#define C_INV23_STRICT      90

byte chk;                 /* the check this run asserts (0: none) */
#define CHECKING(k) (chk == (k))
/* A WARN: asserted unreachable when its check is selected. */
#define WARN(k) assert(!CHECKING(k))
/* An invariant: asserted when selected. */
#define INV(k, cond) assert(!CHECKING(k) || (cond))

#ifndef CHECK
c_code {
/* pan reads its check and configuration from the environment, so run-spin.sh compiles it once. */
static int spin_check_from_env(void) {
  const char *s = getenv("SPIN_CHECK");
  return s ? atoi(s) : 0;
}
static int spin_flag_from_env(const char *name) {
  const char *s = getenv(name);
  return s && s[0] == '1' && !s[1];
}
/* Set once by init; a C variable, not Promela's: the configuration is no part of the state. */
static int spin_faults;
}
#define MAY_FAIL   c_expr { spin_faults }
#else
#ifdef FAULTS
#define MAY_FAIL   true
#else
#define MAY_FAIL   false
#endif
#endif

/* ---- sizes and names ---------------------------------------------------- */
#define NVF   2
#define STU   12          /* __ffs(pgsize_bitmap) with a 4 KiB smallest page */

/* Domains, as a VF sees them. DEF is that VF's own default DMA domain. */
#define DNONE    0        /* no domain: the abort STE a new master starts with */
#define DBLOCKED 1
#define DDEF     2
#define DVFIO    3        /* the VFIO container's domain, shared */
#define PAGING(d) ((d) >= DDEF)
/* Paging domains by index: DEF of VF 0, DEF of VF 1, the VFIO domain. */
#define NPD 3
/* (arithmetic: spin takes no conditional expression inside an inline's array index) */
#define PD(d, v) (((d) - DDEF) * 2 + (DVFIO - (d)) * (v))
#define SLOT(p, v) ((p) * NVF + (v))

#define EINVAL 22
#define EBUSY  16
#define ENODEV 19

/* ---- PCI: the PF and the VFs -------------------------------------------- */
bool pf_cap;              /* the PF's ATS capability, 0 once quirked off */
byte pf_stu;              /* page shift the PF was prepared with; 0: never */
bool vf_cap[NVF];         /* each VF's own ATS capability */
bool vf_on[NVF];          /* pci_dev->ats_enabled, what the PCI core believes */
bool vf_bit[NVF];         /* the Enable bit in the VF's ATS Control register */

/* ---- IOMMU core, per VF group ------------------------------------------- */
bool present[NVF];        /* the VF is probed: it has a group and a master */
byte grp[NVF];            /* group->domain */
bool owned[NVF];          /* VFIO owns the group's DMA (it has a blocking domain then) */
bool core_busy[NVF];      /* group->mutex held by a domain change */

/* ---- SMMUv3, per master (= per VF) -------------------------------------- */
bool m_ats[NVF];          /* master->ats_enabled */
bool m_prep[NVF];         /* master->ats_prepared (series-v3 only) */
byte m_dom[NVF];          /* the domain the driver last attached it to */
bool ste_trans[NVF];      /* its STE translates (S1 CD table); else abort */
bool ste_eats[NVF];       /* its STE has EATS = TRANS */

/* per paging domain */
byte nr_ats[NPD];         /* nr_ats_masters */
byte md[NPD * NVF];       /* master_domain entries on its devices list, per VF */
byte tag[NPD];            /* users of its ASID entry in the invalidation array */
byte atsent[NPD * NVF];   /* users of the ATS entry for VF v's StreamID; 0: none */

bool asid_lock;           /* arm_smmu_asid_lock: held from prepare to commit */
bool busy[NVF];           /* this master's attach holds it */

/* the attach in flight, per master */
byte a_new[NVF];          /* target domain */
byte a_old[NVF];          /* the old domain: what the core says the group is on */
bool a_ats[NVF];          /* the ATS decision for the target */
bool a_unref_ats[NVF];    /* the old domain's build to drop has an ATS entry */
bool a_old_trans[NVF];    /* the STE before the attach, for rollback */
bool a_old_eats[NVF];
byte a_err[NVF];          /* what pci_enable_ats returned, as a positive errno */
byte a_ret[NVF];          /* what the attach returned, as a positive errno */

/* ---- invariants --------------------------------------------------------- */
/* 1: the PCI core's flag is the Enable bit */
#define I1(v)  (vf_on[v] == vf_bit[v])
/* 9: out of an attach, the driver's belief is the Enable bit */
#define I9(v)  (busy[v] || !present[v] || m_ats[v] == vf_bit[v])
/* 10: out of an attach, belief on means a translating STE with EATS */
#define I10(v) (busy[v] || !present[v] || !m_ats[v] || (ste_trans[v] && ste_eats[v]))
/* 11: always, an Enable bit set means a translating STE with EATS */
#define I11(v) (!vf_bit[v] || (ste_trans[v] && ste_eats[v]))
/* 13: with the lock free, each domain counts the attachments whose Enable bit is set */
#define I13(p) (asid_lock || nr_ats[p] == md[SLOT(p, 0)] * vf_bit[0] + md[SLOT(p, 1)] * vf_bit[1])
/* 14: with the lock free, each array is what its attachments built */
#define I14(p) (asid_lock || (tag[p] == md[SLOT(p, 0)] + md[SLOT(p, 1)] && \
                              atsent[SLOT(p, 0)] == md[SLOT(p, 0)] * vf_bit[0] && \
                              atsent[SLOT(p, 1)] == md[SLOT(p, 1)] * vf_bit[1]))
/* 24: out of a domain change, group->domain is the domain the device is on */
#define I24(v) (core_busy[v] || !present[v] || grp[v] == m_dom[v])

inline check_rest(v) {
  INV(1, I1(0) && I1(1));
  INV(9, I9(v));
  INV(10, I10(v));
  INV(13, I13(0) && I13(1) && I13(2));
  INV(14, I14(0) && I14(1) && I14(2));
  INV(24, I24(v))
}

inline check_hw(v) {
  INV(1, I1(v));
  INV(11, I11(v))
}

/* ---- drivers/pci/ats.c -------------------------------------------------- */
/* Support: the VF's own capability, and with the seed's patch 1 its PF's too.
 * Nothing here is untrusted (no external-facing port). */
#define PF_OK      (pf_cap)
#define VF_OK(v)   (vf_cap[v] && (!PCI_PATCHES || PF_OK))
/* The SMMU side adds FEAT_ATS and the root complex's ATS flag, both set. */
#define SMMU_OK(v) (VF_OK(v))

/* prepare on a VF with ps = STU (>= the minimum): a VF writes nothing; with
 * patch 2 its PF must have been prepared with the same STU. */
inline prepare_vf(v, ret) {
  if
  :: !VF_OK(v) -> ret = EINVAL
  :: VF_OK(v) && vf_on[v] -> WARN(W_PCI_PREPARE_ATS); INV(4, false); ret = EBUSY
  :: VF_OK(v) && !vf_on[v] && PCI_PATCHES && pf_stu != STU -> ret = EINVAL
  :: else -> ret = 0
  fi
}

/* enable on a VF: the same support and busy checks, then the PF's STU must
 * be the one asked for (a VF has no STU of its own), then the Enable bit. */
inline enable_vf(v, ret) {
  ret = 0;
  /* with FAULTS any call may fail instead; the value is never looked at, so one will do
   * (inside the attach's atomic sequence: without FAULTS the choice adds no state) */
  if
  :: MAY_FAIL -> ret = EINVAL
  :: skip
  fi;
  if
  :: ret != 0 -> skip
  :: else ->
     if
     :: !VF_OK(v) -> ret = EINVAL
     :: VF_OK(v) && vf_on[v] -> WARN(W_PCI_ENABLE_ATS); INV(4, false); ret = EBUSY
     :: VF_OK(v) && !vf_on[v] && pf_stu != STU -> ret = EINVAL
     :: else -> vf_bit[v] = 1; vf_on[v] = 1
     fi
  fi
}

inline disable_vf(v) {
  if
  :: !vf_on[v] -> WARN(W_PCI_DISABLE_ATS); INV(4, false)
  :: else -> vf_bit[v] = 0; vf_on[v] = 0
  fi
}

/* ---- arm_smmu_probe_device / arm_smmu_release_device --------------------- */
/* The PF, probed before its VFs exist: its prepare is what programs the STU
 * the VFs will need. Every variant prepares it when it is supported (the
 * base calls prepare regardless, and it fails when unsupported). */
inline probe_pf() {
  if
  :: PF_OK -> pf_stu = STU
  :: else -> skip
  fi
}

/* A VF's probe: ok = 0 when the probe fails and the VF gets no IOMMU. */
inline probe_vf(v, ok, ret) {
  ok = 1; ret = 0;
  if
  :: PROBE_FAILS_ON_PREPARE ->
     if
     :: SMMU_OK(v) -> prepare_vf(v, ret); ok = (ret == 0)
     :: else -> skip         /* the VF does not require ATS: no ATS, probe goes on */
     fi
  :: else ->
     /* the base and the other designs prepare every PCI device; only v3
      * keeps the answer, nobody fails the probe on it */
     prepare_vf(v, ret);
     m_prep[v] = (ret == 0)
  fi;
  ret = 0
}

/* ---- the two-phase attach ------------------------------------------------ */
/* Exploration bound: in a consistent state a default domain's counters are
 * at most 1 (one VF) and the VFIO domain's at most 2, so a counter at its
 * bound means 13 or 14 already failed; a design that leaks would otherwise
 * grow it without end, so no attach starts from there. */
#define UNDER(p, c) ((p) < 2 && (c) < 2 || (p) == 2 && (c) < 3)
#define DOM_BOUNDED(p) (UNDER(p, nr_ats[p]) && UNDER(p, tag[p]) && \
                        UNDER(p, atsent[SLOT(p, 0)]) && UNDER(p, atsent[SLOT(p, 1)]))
#define BOUNDED (DOM_BOUNDED(0) && DOM_BOUNDED(1) && DOM_BOUNDED(2))

/* drop one user of an array entry; dropping one that is not there WARNs */
inline drop(cnt) {
  if
  :: cnt > 0 -> cnt--
  :: else -> WARN(W_INVS_UNREF)
  fi
}

/* attach(v, t): the driver's attach of master v to domain t, with a_old[v]
 * set by the caller to the core's group->domain. Five steps between which
 * anything else may run: prepare (under asid_lock from here), prepare's ATS
 * disable, the STE write, commit's enable, the rest of commit; rollback's
 * undo is two more. a_ret[v] is what the attach returns. */
inline attach(v, t) {
  atomic {
    !asid_lock && BOUNDED ->
    asid_lock = 1; busy[v] = 1;
    a_new[v] = t; a_ret[v] = 0; a_err[v] = 0;
    a_old_trans[v] = ste_trans[v]; a_old_eats[v] = ste_eats[v];
    /* ATS only for a paging target, and only a supported device (v3: and
     * a prepared one) */
    a_ats[v] = PAGING(t) && SMMU_OK(v) && (!ATS_PREPARED_GATE || m_prep[v]);
    /* what the old domain will drop is built from today's belief */
    a_unref_ats[v] = m_ats[v];
    /* the new domain's array gains this master's entries, its counter and
     * devices list gain the master, before the STE points at it */
    if
    :: PAGING(t) ->
       tag[PD(t, v)]++;
       md[SLOT(PD(t, v), v)]++;
       if
       :: a_ats[v] -> atsent[SLOT(PD(t, v), v)]++; nr_ats[PD(t, v)]++
       :: else -> skip
       fi
    :: else -> skip
    fi
  };
  /* ATS goes off in PCI before the STE loses EATS */
  atomic {
    if
    :: !a_ats[v] && m_ats[v] -> disable_vf(v); check_hw(v)
    :: else -> skip
    fi
  };
  atomic {
    INV(12, !vf_bit[v] || ste_eats[v] == a_ats[v]);
    ste_trans[v] = PAGING(t);
    ste_eats[v] = a_ats[v];
    check_hw(v)
  };
  /* commit: turn ATS on if the decision says so and the belief does not */
  atomic {
    if
    :: a_ats[v] && !m_ats[v] ->
       enable_vf(v, a_err[v]);
       check_hw(v);
       if
       :: a_err[v] != 0 && ENABLE_FAIL_WARNS -> WARN(W_SMMU_ENABLE_ATS)
       :: else -> skip  /* the base only logs the failure */
       fi
    :: else -> skip
    fi
  };
  if
  :: ENABLE_FAIL_UNDOES && a_err[v] != 0 ->
     /* the new domain's array, counter and devices list back as they were ... */
     atomic {
       tag[PD(t, v)]--;
       md[SLOT(PD(t, v), v)]--;
       if
       :: a_ats[v] -> atsent[SLOT(PD(t, v), v)]--; nr_ats[PD(t, v)]--
       :: else -> skip
       fi
     };
     /* ... then the STE, and the attach fails after prepare succeeded */
     atomic {
       INV(12, !vf_bit[v] || ste_eats[v] == a_old_eats[v]);
       ste_trans[v] = a_old_trans[v]; ste_eats[v] = a_old_eats[v];
       check_hw(v);
       INV(18, false);
       a_ret[v] = a_err[v];
       a_new[v] = 0; a_ats[v] = 0; a_unref_ats[v] = 0; a_old_trans[v] = 0; a_old_eats[v] = 0; a_err[v] = 0;
       busy[v] = 0; asid_lock = 0;
       check_rest(v)
     }
  :: else ->
     atomic {
       /* leave the old domain: the entry is looked up, and counted out on
        * the belief the master still has */
       if
       :: PAGING(a_old[v]) && md[SLOT(PD(a_old[v], v), v)] > 0 ->
          md[SLOT(PD(a_old[v], v), v)]--;
          if
          :: m_ats[v] -> nr_ats[PD(a_old[v], v)]--
          :: else -> skip
          fi
       :: else -> skip
       fi;
       /* its array drops what this master's build would hold */
       if
       :: PAGING(a_old[v]) ->
          drop(tag[PD(a_old[v], v)]);
          if
          :: a_unref_ats[v] -> drop(atsent[SLOT(PD(a_old[v], v), v)])
          :: else -> skip
          fi
       :: else -> skip
       fi;
       m_ats[v] = a_ats[v] && (!BELIEF_IS_RESULT || a_err[v] == 0);
       m_dom[v] = t;
       a_new[v] = 0; a_ats[v] = 0; a_unref_ats[v] = 0; a_old_trans[v] = 0; a_old_eats[v] = 0; a_err[v] = 0;
       busy[v] = 0; asid_lock = 0;
       check_rest(v)
     }
  fi
}

/* ---- IOMMU core domain changes (drivers/iommu/iommu.c) ------------------- */
/* One device per group, so the group loop is one attach. must = the change
 * may not fail (IOMMU_SET_DOMAIN_MUST_SUCCEED). */
inline set_domain(sv, st, must) {
  if
  :: grp[sv] == st -> a_ret[sv] = 0      /* already there: the core does nothing */
  :: else ->
     a_old[sv] = grp[sv];
     attach(sv, st);
     if
     :: a_ret[sv] != 0 && must ->
        /* try the blocking domain instead, if the group has one (only a
         * group VFIO has claimed does: it is made at the claim) */
        if
        :: owned[sv] && st != DBLOCKED -> a_old[sv] = grp[sv]; attach(sv, DBLOCKED); a_ret[sv] = 1
        :: else -> skip
        fi;
        grp[sv] = st             /* the group says it is there anyway */
     :: a_ret[sv] != 0 && !must ->
        /* put the device back on the group's domain, which must work */
        a_old[sv] = grp[sv];
        attach(sv, grp[sv]);
        if
        :: a_ret[sv] != 0 -> WARN(W_GROUP_REVERT)
        :: else -> skip
        fi;
        a_ret[sv] = 1
     :: else -> grp[sv] = st
     fi
  fi
}

/* the must-succeed change outside of probe */
inline set_domain_nofail(nv, nt) {
  set_domain(nv, nt, 1);
  if
  :: a_ret[nv] != 0 -> WARN(W_SET_DOMAIN_NOFAIL)
  :: else -> skip
  fi
}

/* SR-IOV disable (or a failed probe) tears the group down: the release
 * domain (blocked) is attached whatever the group is on, then the master and
 * the default domain go, and the VF with them. */
inline release(v) {
  a_old[v] = grp[v];
  attach(v, DBLOCKED);
  atomic {
    tag[v] = 0; nr_ats[v] = 0; md[SLOT(v, 0)] = 0; md[SLOT(v, 1)] = 0;
    atsent[SLOT(v, 0)] = 0; atsent[SLOT(v, 1)] = 0;
    present[v] = 0; grp[v] = DNONE; owned[v] = 0;
    m_ats[v] = 0; m_prep[v] = 0; m_dom[v] = DNONE; ste_trans[v] = 0; ste_eats[v] = 0;
    a_old[v] = 0; a_ret[v] = 0;
    core_busy[v] = 0
  }
}

/* ---- a VF's life --------------------------------------------------------- */
/* SR-IOV enable (probe and default domain), a host driver's DMA, VFIO's
 * claim, its container domain and their undoing, SR-IOV disable: in any
 * order the core allows. */
proctype vf(byte v) {
  bool ok;
  byte ret;
end:
  do
  :: atomic { !present[v] && !core_busy[v] ->
       /* a new VF: its registers and its pci_dev start clear */
       core_busy[v] = 1; vf_on[v] = 0; vf_bit[v] = 0;
       probe_vf(v, ok, ret)
     };
     if
     :: ok ->
        present[v] = 1;
        /* iommu_setup_default_domain: the first attach may not fail */
        set_domain(v, DDEF, 1);
        if
        :: a_ret[v] != 0 -> WARN(W_SETUP_DEFAULT); release(v)
        :: else -> atomic { core_busy[v] = 0; check_rest(v) }
        fi
     :: else -> core_busy[v] = 0   /* no IOMMU for this VF */
     fi
  :: atomic { present[v] && !owned[v] && !core_busy[v] && grp[v] == DDEF -> core_busy[v] = 1; owned[v] = 1 };
     /* VFIO claims the group: onto its blocking domain */
     set_domain(v, DBLOCKED, 0);
     atomic {
       if
       :: a_ret[v] != 0 -> owned[v] = 0
       :: else -> skip
       fi;
       core_busy[v] = 0; check_rest(v)
     }
  :: atomic { present[v] && owned[v] && !core_busy[v] && grp[v] == DBLOCKED -> core_busy[v] = 1 };
     /* VFIO's container domain */
     set_domain(v, DVFIO, 0);
     atomic { core_busy[v] = 0; check_rest(v) }
  :: atomic { present[v] && owned[v] && !core_busy[v] -> core_busy[v] = 1 };
     /* VFIO lets go: off the container's domain, then back to the default */
     if
     :: grp[v] == DVFIO -> set_domain_nofail(v, DBLOCKED)
     :: else -> skip
     fi;
     set_domain_nofail(v, DDEF);
     atomic { owned[v] = 0; core_busy[v] = 0; check_rest(v) }
  :: atomic { present[v] && !owned[v] && !core_busy[v] -> core_busy[v] = 1 };
     release(v)
  od
}

/* An unmap on a paging domain, between any two steps of the attaches: an
 * ATC_INV for every ATS entry of its array (the walk holds the array's
 * rwlock, so it is one step and changes nothing). Invariant 23: none goes
 * to a VF whose Enable bit is clear, except while that VF's attach is in
 * flight (the array leads the enable, and the disable leads the unref, by
 * design); 23_STRICT drops the exception. */
#define INV_OK(p, v) (atsent[SLOT(p, v)] == 0 || vf_bit[v] || busy[v])
#define INV_OK_STRICT(p, v) (atsent[SLOT(p, v)] == 0 || vf_bit[v])
#define UNMAP_OK(p) (INV_OK(p, 0) && INV_OK(p, 1))
#define UNMAP_OK_STRICT(p) (INV_OK_STRICT(p, 0) && INV_OK_STRICT(p, 1))
proctype invalidator() {
end:
  do
  :: d_step { INV(23, UNMAP_OK(0)); INV(C_INV23_STRICT, UNMAP_OK_STRICT(0)) }
  :: d_step { INV(23, UNMAP_OK(1)); INV(C_INV23_STRICT, UNMAP_OK_STRICT(1)) }
  :: d_step { INV(23, UNMAP_OK(2)); INV(C_INV23_STRICT, UNMAP_OK_STRICT(2)) }
  od
}

init {
  atomic {
#ifdef CHECK
    chk = CHECK;
#ifdef PF_HEALTHY
    pf_cap = 1;
#else
    pf_cap = 0;     /* the PF's quirk ran before its IOMMU probe */
#endif
#else
    c_code {
      now.chk = spin_check_from_env();
      now.pf_cap = spin_flag_from_env("SPIN_PF_HEALTHY");
      spin_faults = spin_flag_from_env("SPIN_FAULTS");
    };
#endif
    vf_cap[0] = 1; vf_cap[1] = 1;
    probe_pf();
    run vf(0);
    run vf(1);
#ifndef NO_INVALIDATOR
    run invalidator()
#endif
  }
}
