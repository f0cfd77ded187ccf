// The ns16550a UART, register-accurate against the TI PC16550D datasheet (SNLS378C) as modelled by
// QEMU hw/char/serial.c (serial_ioport_read/_write, serial_update_irq): IIR priorities, DLAB divisor
// latches, instant transmission to the host sink. Unlike QEMU (which hands input over as fast as the
// guest reads it), host input arrives on the line one frame at a time at the programmed rate, in
// virtual time: into a 16-byte receive FIFO (or the RBR alone with FIFOs off), and a byte that finds
// no room is lost with LSR.OE set, as on the chip; lost bytes are counted (`overruns`).
import type { AccessSize, DeviceContext, MmioDevice } from './device.js';

// Register offsets (reg-shift 0, as on QEMU virt). Offsets repeat every 8 bytes, as in QEMU.
export const UART_RBR = 0; // receive buffer (read, DLAB=0)
export const UART_THR = 0; // transmit holding (write, DLAB=0)
export const UART_DLL = 0; // divisor latch low (DLAB=1)
export const UART_IER = 1; // interrupt enable (DLAB=0)
export const UART_DLM = 1; // divisor latch high (DLAB=1)
export const UART_IIR = 2; // interrupt identification (read)
export const UART_FCR = 2; // FIFO control (write)
export const UART_LCR = 3;
export const UART_MCR = 4;
export const UART_LSR = 5;
export const UART_MSR = 6;
export const UART_SCR = 7;

// IER bits.
export const UART_IER_RDI = 0x01; // received data available
export const UART_IER_THRI = 0x02; // transmit holding register empty
export const UART_IER_RLSI = 0x04; // receiver line status
export const UART_IER_MSI = 0x08; // modem status

// IIR values, by priority (datasheet table 4): line status > data/timeout > THR empty > modem.
export const UART_IIR_NO_INT = 0x01;
export const UART_IIR_ID = 0x06;
export const UART_IIR_MSI = 0x00;
export const UART_IIR_THRI = 0x02;
export const UART_IIR_RDI = 0x04;
export const UART_IIR_RLSI = 0x06;
export const UART_IIR_CTI = 0x0c; // character timeout
export const UART_IIR_FE = 0xc0; // FIFOs enabled

// FCR bits.
export const UART_FCR_FE = 0x01;
export const UART_FCR_RFR = 0x02; // clear receive FIFO
export const UART_FCR_XFR = 0x04; // clear transmit FIFO
export const UART_FCR_DMS = 0x08;
export const UART_FCR_ITL_MASK = 0xc0; // receive trigger level: 1, 4, 8, 14 bytes

// LCR, MCR, LSR, MSR bits.
export const UART_LCR_DLAB = 0x80;
export const UART_LCR_WLS_MASK = 0x03;
export const UART_LCR_STB = 0x04;
export const UART_LCR_PEN = 0x08;
export const UART_MCR_DTR = 0x01;
export const UART_MCR_RTS = 0x02;
export const UART_MCR_OUT1 = 0x04;
export const UART_MCR_OUT2 = 0x08;
export const UART_MCR_LOOP = 0x10;
export const UART_LSR_DR = 0x01;
export const UART_LSR_OE = 0x02;
export const UART_LSR_PE = 0x04;
export const UART_LSR_FE = 0x08;
export const UART_LSR_BI = 0x10;
export const UART_LSR_THRE = 0x20;
export const UART_LSR_TEMT = 0x40;
export const UART_LSR_INT_ANY = 0x1e; // OE | PE | FE | BI
export const UART_MSR_DCTS = 0x01;
export const UART_MSR_DDSR = 0x02;
export const UART_MSR_TERI = 0x04;
export const UART_MSR_DDCD = 0x08;
export const UART_MSR_ANY_DELTA = 0x0f;
export const UART_MSR_CTS = 0x10;
export const UART_MSR_DSR = 0x20;
export const UART_MSR_RI = 0x40;
export const UART_MSR_DCD = 0x80;

export const UART_FIFO_LENGTH = 16;
/** Input clock when the node has no `clock-frequency`: the PC16550D's usual 1.8432 MHz crystal (QEMU's default too). */
export const UART_DEFAULT_CLOCK_HZ = 1_843_200;
/**
 * The line rate until the driver programs the divisor latches: 115200 baud 8N1, the rate boot
 * firmware (OpenSBI, U-Boot) leaves a console at. The registers reset as QEMU's (divisor 12, LCR 0:
 * 5 data bits), which no console uses; the line follows them once the driver writes DLL or DLM.
 */
export const UART_DEFAULT_BAUD = 115_200;
/** Bits per frame at the default rate: start, 8 data, 1 stop. */
const DEFAULT_FRAME_BITS = 10n;
/** Reset divisor (QEMU serial_reset). */
export const UART_RESET_DIVISOR = 0x0c;
const NANOSECONDS_PER_SECOND = 1_000_000_000n;

const TRIGGER_LEVELS = [1, 4, 8, 14] as const;

export interface Ns16550a extends MmioDevice {
  /** Queues bytes from the host; they arrive on the line back to back, one frame time each, from now. */
  pushInput(bytes: Uint8Array): void;
  /** Bytes queued by the host that have not yet arrived on the line. */
  readonly pendingInput: number;
  /** Bytes that arrived while the receive FIFO (or the RBR, FIFOs off) was full, and were lost. */
  readonly overruns: number;
  /** The line rate now: 115200 until the driver programs the divisor, then input clock / (16 × divisor) (0 while it is 0). */
  readonly baud: number;
  /** Virtual time (ns) of the next input arrival or character timeout, or null when none is due. */
  nextEventNanoseconds(): bigint | null;
  /** Bytes written by the guest to THR since reset. */
  readonly transmitted: number;
}

export function createNs16550a(context: DeviceContext, input?: Uint8Array): Ns16550a {
  const irq = context.irqs[0];
  const clockHz = context.cellProperty?.('clock-frequency')?.[0] || UART_DEFAULT_CLOCK_HZ;
  /** The driver has written a divisor latch: the line runs at clock / (16 × divisor) with LCR's frame. */
  let programmed = false;
  const recvFifo = new Uint8Array(UART_FIFO_LENGTH);
  let recvHead = 0;
  let recvCount = 0;
  let rbr = 0;
  let ier = 0;
  let iir = UART_IIR_NO_INT;
  let fcr = 0;
  let lcr = 0;
  let mcr = UART_MCR_OUT2;
  let lsr = UART_LSR_TEMT | UART_LSR_THRE;
  let msr = UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS;
  let scr = 0;
  let divider = UART_RESET_DIVISOR;
  let recvTriggerLevel = 1;
  let thrPending = false;
  let timeoutPending = false;
  /** Virtual ns at which the character-timeout interrupt fires, or -1. */
  let timeoutAt = -1n;
  let transmitted = 0;
  let overruns = 0;
  let irqLevel = false;

  const hostInput: Uint8Array[] = [];
  let hostOffset = 0;
  let hostPending = 0;
  /** Virtual ns at which the next host byte has fully arrived, or -1 while the line is idle. */
  let arrivalAt = -1n;

  function updateIrq(): void {
    let id = UART_IIR_NO_INT;
    if (ier & UART_IER_RLSI && lsr & UART_LSR_INT_ANY) id = UART_IIR_RLSI;
    else if (ier & UART_IER_RDI && timeoutPending) id = UART_IIR_CTI;
    else if (ier & UART_IER_RDI && lsr & UART_LSR_DR && (!(fcr & UART_FCR_FE) || recvCount >= recvTriggerLevel))
      id = UART_IIR_RDI;
    else if (ier & UART_IER_THRI && thrPending) id = UART_IIR_THRI;
    else if (ier & UART_IER_MSI && msr & UART_MSR_ANY_DELTA) id = UART_IIR_MSI;
    iir = id | (iir & 0xf0);
    const level = id !== UART_IIR_NO_INT;
    if (level !== irqLevel) {
      irqLevel = level;
      irq?.set(level);
    }
  }

  /**
   * Time of one frame, rounded up to a ns: 10 bits at 115200 baud until the driver programs the
   * divisor, then (start + data + parity + stop bits) × 16 × divisor / clock; 0 while the divisor is 0.
   */
  function charTransmitNs(): bigint {
    if (!programmed) return (NANOSECONDS_PER_SECOND * DEFAULT_FRAME_BITS + BigInt(UART_DEFAULT_BAUD) - 1n) / BigInt(UART_DEFAULT_BAUD);
    const frameBits = 1 + (lcr & UART_LCR_WLS_MASK) + 5 + (lcr & UART_LCR_PEN ? 1 : 0) + (lcr & UART_LCR_STB ? 2 : 1);
    const clock = BigInt(clockHz);
    return (NANOSECONDS_PER_SECOND * 16n * BigInt(divider) * BigInt(frameBits) + clock - 1n) / clock;
  }

  function armTimeout(): void {
    timeoutAt = context.clock.nanoseconds() + charTransmitNs() * 4n;
  }

  /** A byte completed on the line (host input, or loopback). With no room it is lost: datasheet, LSR bit 1. */
  function receiveByte(byte: number): void {
    if (fcr & UART_FCR_FE) {
      if (recvCount === UART_FIFO_LENGTH) {
        // FIFO mode: the byte in the shift register is overwritten, the FIFO keeps its 16.
        lsr |= UART_LSR_OE;
        overruns++;
      } else {
        recvFifo[(recvHead + recvCount) % UART_FIFO_LENGTH] = byte;
        recvCount++;
      }
      lsr |= UART_LSR_DR;
      armTimeout();
    } else {
      // 16450 mode: the new byte destroys the unread one in RBR.
      if (lsr & UART_LSR_DR) {
        lsr |= UART_LSR_OE;
        overruns++;
      }
      rbr = byte;
      lsr |= UART_LSR_DR;
    }
    updateIrq();
  }

  /**
   * Receives every host byte whose frame has ended by now, each one frame time after the one
   * before. In loopback the receiver is cut off from the line; input waits until it is left. A
   * divisor of 0 stops the baud clock, and with it the line.
   */
  function receiveArrived(): void {
    if (arrivalAt < 0n || mcr & UART_MCR_LOOP) return;
    const now = context.clock.nanoseconds();
    while (hostPending > 0 && arrivalAt <= now) {
      const chunk = hostInput[0]!;
      const byte = chunk[hostOffset++]!;
      hostPending--;
      if (hostOffset === chunk.length) {
        hostInput.shift();
        hostOffset = 0;
      }
      const frame = charTransmitNs();
      receiveByte(byte);
      if (frame === 0n) break;
      arrivalAt += frame;
    }
    if (hostPending === 0) arrivalAt = -1n;
  }

  /** The line was idle or stopped: the next byte starts now and arrives one frame later. */
  function startLine(): void {
    const frame = charTransmitNs();
    arrivalAt = hostPending > 0 && frame > 0n ? context.clock.nanoseconds() + frame : -1n;
  }

  function transmit(byte: number): void {
    transmitted++;
    // Transmission is instant: THR and the shift register are empty again at once.
    lsr |= UART_LSR_THRE | UART_LSR_TEMT;
    thrPending = true;
    if (mcr & UART_MCR_LOOP) receiveByte(byte);
    else context.sink.uartByte(context.path, byte);
    updateIrq();
  }

  function writeFcr(value: number): void {
    fcr = value & 0xc9;
    if (fcr & UART_FCR_FE) {
      iir |= UART_IIR_FE;
      recvTriggerLevel = TRIGGER_LEVELS[(fcr & UART_FCR_ITL_MASK) >> 6]!;
    } else {
      iir &= ~UART_IIR_FE;
    }
  }

  function readRegister(register: number): number {
    switch (register) {
      case UART_RBR: {
        if (lcr & UART_LCR_DLAB) return divider & 0xff;
        let value: number;
        if (fcr & UART_FCR_FE) {
          value = 0;
          if (recvCount > 0) {
            value = recvFifo[recvHead]!;
            recvHead = (recvHead + 1) % UART_FIFO_LENGTH;
            recvCount--;
          }
          if (recvCount === 0) {
            lsr &= ~(UART_LSR_DR | UART_LSR_BI);
            timeoutAt = -1n;
          } else armTimeout();
          timeoutPending = false;
        } else {
          value = rbr;
          lsr &= ~(UART_LSR_DR | UART_LSR_BI);
        }
        updateIrq();
        return value;
      }
      case UART_IER:
        return lcr & UART_LCR_DLAB ? (divider >>> 8) & 0xff : ier;
      case UART_IIR: {
        const value = iir;
        // Reading IIR while it shows THR empty acknowledges that interrupt (datasheet table 4).
        if ((value & 0x0f) === UART_IIR_THRI) {
          thrPending = false;
          updateIrq();
        }
        return value;
      }
      case UART_LCR:
        return lcr;
      case UART_MCR:
        return mcr;
      case UART_LSR: {
        const value = lsr;
        if (lsr & (UART_LSR_BI | UART_LSR_OE)) {
          lsr &= ~(UART_LSR_BI | UART_LSR_OE);
          updateIrq();
        }
        return value;
      }
      case UART_MSR: {
        if (mcr & UART_MCR_LOOP) {
          // In loopback the modem outputs drive the inputs: RTS→CTS, DTR→DSR, OUT1→RI, OUT2→DCD.
          return ((mcr & 0x0c) << 4) | ((mcr & UART_MCR_RTS) << 3) | ((mcr & UART_MCR_DTR) << 5);
        }
        const value = msr;
        if (msr & UART_MSR_ANY_DELTA) {
          msr &= 0xf0;
          updateIrq();
        }
        return value;
      }
      default:
        return scr;
    }
  }

  function writeRegister(register: number, value: number): void {
    switch (register) {
      case UART_THR:
        if (lcr & UART_LCR_DLAB) {
          divider = (divider & 0xff00) | value;
          programmed = true;
          if (arrivalAt < 0n) startLine();
          return;
        }
        thrPending = false;
        lsr &= ~(UART_LSR_THRE | UART_LSR_TEMT);
        updateIrq();
        transmit(value);
        return;
      case UART_IER: {
        if (lcr & UART_LCR_DLAB) {
          divider = (divider & 0x00ff) | (value << 8);
          programmed = true;
          if (arrivalAt < 0n) startLine();
          return;
        }
        const changed = (ier ^ value) & 0x0f;
        ier = value & 0x0f;
        // Enabling THRI while THR is empty raises the interrupt even if IIR was read before
        // (not in the datasheet; QEMU and Bochs do it and drivers rely on it).
        if (changed & UART_IER_THRI) thrPending = Boolean(ier & UART_IER_THRI && lsr & UART_LSR_THRE);
        if (changed) updateIrq();
        return;
      }
      case UART_FCR: {
        let fcrValue = value;
        if ((fcrValue ^ fcr) & UART_FCR_FE) fcrValue |= UART_FCR_XFR | UART_FCR_RFR;
        if (fcrValue & UART_FCR_RFR) {
          lsr &= ~(UART_LSR_DR | UART_LSR_BI);
          timeoutAt = -1n;
          timeoutPending = false;
          recvHead = 0;
          recvCount = 0;
        }
        if (fcrValue & UART_FCR_XFR) {
          lsr |= UART_LSR_THRE;
          thrPending = true;
        }
        writeFcr(fcrValue);
        updateIrq();
        return;
      }
      case UART_LCR:
        lcr = value;
        return;
      case UART_MCR: {
        const leftLoop = mcr & UART_MCR_LOOP && !(value & UART_MCR_LOOP);
        mcr = value & 0x1f;
        if (leftLoop) startLine();
        return;
      }
      case UART_LSR:
      case UART_MSR:
        return; // read-only; QEMU ignores the write
      default:
        scr = value;
    }
  }

  const device: Ns16550a = {
    kind: 'ns16550a',
    size: context.size,
    // QEMU's serial_mm_ops accept 1..8 bytes and use the low byte; RV32 reaches at most 4.
    accessSizes: [1, 2, 4] as const,
    get pendingInput() {
      return hostPending;
    },
    get overruns() {
      return overruns;
    },
    get baud() {
      if (!programmed) return UART_DEFAULT_BAUD;
      return divider === 0 ? 0 : clockHz / (16 * divider);
    },
    nextEventNanoseconds(): bigint | null {
      let next: bigint | null = arrivalAt >= 0n && !(mcr & UART_MCR_LOOP) ? arrivalAt : null;
      if (timeoutAt >= 0n && recvCount > 0 && (next === null || timeoutAt < next)) next = timeoutAt;
      return next;
    },
    get transmitted() {
      return transmitted;
    },
    read(offset: number, _size: AccessSize): number {
      // A driver polling LSR between two device polls sees each byte when its frame ends.
      receiveArrived();
      return readRegister(offset & 7);
    },
    write(offset: number, _size: AccessSize, value: number): void {
      writeRegister(offset & 7, value & 0xff);
    },
    reset(): void {
      rbr = 0;
      ier = 0;
      iir = UART_IIR_NO_INT;
      fcr = 0;
      lcr = 0;
      mcr = UART_MCR_OUT2;
      lsr = UART_LSR_TEMT | UART_LSR_THRE;
      msr = UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS;
      scr = 0;
      divider = UART_RESET_DIVISOR;
      programmed = false;
      recvTriggerLevel = 1;
      recvHead = 0;
      recvCount = 0;
      thrPending = false;
      timeoutPending = false;
      timeoutAt = -1n;
      transmitted = 0;
      overruns = 0;
      irqLevel = false;
      irq?.set(false);
      startLine();
    },
    poll(): void {
      receiveArrived();
      if (timeoutAt >= 0n && context.clock.nanoseconds() >= timeoutAt) {
        timeoutAt = -1n;
        if (recvCount > 0) {
          timeoutPending = true;
          updateIrq();
        }
      }
    },
    pollDueNanoseconds(): bigint | null {
      // receiveArrived: the next frame's end (at once if no byte waits: it goes idle); the timeout.
      let due: bigint | null = arrivalAt >= 0n && !(mcr & UART_MCR_LOOP) ? (hostPending > 0 ? arrivalAt : 0n) : null;
      if (timeoutAt >= 0n && (due === null || timeoutAt < due)) due = timeoutAt;
      return due;
    },
    pushInput(bytes: Uint8Array): void {
      if (bytes.length === 0) return;
      hostInput.push(bytes.slice());
      hostPending += bytes.length;
      if (arrivalAt < 0n) startLine();
    },
  };
  device.reset();
  if (input) device.pushInput(input);
  return device;
}
