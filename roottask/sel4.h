/* sel4.h — the few seL4 definitions the root task uses (RV32, non-MCS): system call numbers,
 * invocation labels, errors, initial cap slots, seL4_IPCBuffer and seL4_BootInfo. The numbers are
 * seL4's (shared/reference/sel4-abi.md); written here so the root task builds without libsel4. */
#ifndef KAAL_ROOTTASK_SEL4_H
#define KAAL_ROOTTASK_SEL4_H

#include <stdint.h>

typedef uint32_t seL4_Word;
typedef seL4_Word seL4_CPtr;

/* System calls (libsel4 syscall.xml, non-MCS numbering). */
#define seL4_SysCall ((seL4_Word)-1)
#define seL4_SysYield ((seL4_Word)-7)
#define seL4_SysDebugPutChar ((seL4_Word)-9)

/* Initial caps (enum seL4_RootCNodeCapSlots). */
#define seL4_CapInitThreadTCB 1
#define seL4_CapInitThreadVSpace 3

/* Invocation labels the root task makes itself; the plan's come in its table. */
#define seL4_TCBSuspend 11
#define seL4_RISCVPageMap 35
#define seL4_RISCVPageUnmap 36

#define seL4_NoError 0
#define seL4_NumErrors 11
#define seL4_RISCV_ExecuteNever 1
#define seL4_CanRead_CanWrite 3 /* seL4_CapRights: read (bit 1) and write (bit 0) */
#define seL4_MsgMaxLength 120
#define seL4_MsgMaxExtraCaps 3
#define seL4_PageBits 12
#define seL4_PageSize (1u << seL4_PageBits)
#define seL4_FastMessageRegisters 4 /* a2..a5 */

/* seL4_MessageInfo: label 20 bits, capsUnwrapped 3, extraCaps 2, length 7. */
#define seL4_MessageInfo_new(label, extra_caps, length) \
    (((seL4_Word)(label) << 12) | ((seL4_Word)(extra_caps) << 7) | (seL4_Word)(length))
#define seL4_MessageInfo_get_label(info) ((info) >> 12)
#define seL4_MessageInfo_get_length(info) ((info) & 0x7f)

typedef struct seL4_IPCBuffer {
    seL4_Word tag;
    seL4_Word msg[seL4_MsgMaxLength];
    seL4_Word userData;
    seL4_Word caps_or_badges[seL4_MsgMaxExtraCaps];
    seL4_CPtr receiveCNode;
    seL4_CPtr receiveIndex;
    seL4_Word receiveDepth;
} seL4_IPCBuffer;

typedef struct seL4_SlotRegion {
    seL4_Word start;
    seL4_Word end; /* the first slot after the region */
} seL4_SlotRegion;

typedef struct seL4_UntypedDesc {
    seL4_Word paddr;
    uint8_t sizeBits;
    uint8_t isDevice;
    uint8_t padding[2];
} seL4_UntypedDesc;

#define CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS 230

typedef struct seL4_BootInfo {
    seL4_Word extraLen;
    seL4_Word nodeID;
    seL4_Word numNodes;
    seL4_Word numIOPTLevels;
    seL4_IPCBuffer *ipcBuffer;
    seL4_SlotRegion empty;
    seL4_SlotRegion sharedFrames;
    seL4_SlotRegion userImageFrames;
    seL4_SlotRegion userImagePaging;
    seL4_SlotRegion ioSpaceCaps;
    seL4_SlotRegion extraBIPages;
    seL4_Word initThreadCNodeSizeBits;
    seL4_Word initThreadDomain;
    seL4_SlotRegion untyped;
    seL4_UntypedDesc untypedList[CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS];
} seL4_BootInfo;

#endif
