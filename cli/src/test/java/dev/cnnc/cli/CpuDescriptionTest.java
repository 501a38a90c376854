package dev.cnnc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The CPU beside every figure of {@code cnnc bench}: name, family and model, widest vector instructions. */
class CpuDescriptionTest {
    /** Two processors of an AVX2-only AMD EPYC (Zen 3) virtual machine, abridged. */
    static final List<String> ZEN3 = List.of(
            "processor\t: 0",
            "vendor_id\t: AuthenticAMD",
            "cpu family\t: 25",
            "model\t\t: 1",
            "model name\t: AMD EPYC",
            "flags\t\t: fpu sse sse2 avx fma avx2 bmi2 sha_ni",
            "",
            "processor\t: 1",
            "cpu family\t: 99",
            "model\t\t: 99",
            "model name\t: Some other CPU",
            "flags\t\t: fpu avx512f",
            "");

    @Test
    void theFirstProcessorsNameFamilyModelAndWidestVectors() {
        assertEquals("AMD EPYC (family 25, model 1; AVX2)", BenchCommand.describeCpu(ZEN3, "amd64"));
    }

    @Test
    void avx512IsNamedWhereTheFlagIsThere() {
        List<String> xeon = List.of(
                "processor\t: 0",
                "cpu family\t: 6",
                "model\t\t: 167",
                "model name\t: Intel Xeon Processor (Icelake)",
                "flags\t\t: fpu avx avx2 fma avx512f avx512vl avx512bw",
                "");
        assertEquals("Intel Xeon Processor (Icelake) (family 6, model 167; AVX-512)", BenchCommand.describeCpu(xeon, "amd64"));
    }

    @Test
    void aFlagThatOnlyStartsLikeAvx512DoesNotCount() {
        List<String> cpu = List.of("model name\t: X", "cpu family\t: 6", "model\t\t: 1", "flags\t\t: avx avx2 avx512_fake_flag");
        assertEquals("X (family 6, model 1; AVX2)", BenchCommand.describeCpu(cpu, "amd64"));
    }

    @Test
    void anArmServerWithoutAModelNameGetsTheArchitectureAndItsVectors() {
        List<String> arm = List.of(
                "processor\t: 0",
                "BogoMIPS\t: 243.75",
                "Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm sve",
                "CPU implementer\t: 0x41",
                "");
        assertEquals("aarch64 (SVE)", BenchCommand.describeCpu(arm, "aarch64"));
    }

    @Test
    void nothingKnownGivesTheArchitecture() {
        assertEquals("riscv64", BenchCommand.describeCpu(List.of("processor\t: 0", "hart\t: 1", ""), "riscv64"));
    }
}
