package dev.meshlet.benchmarks.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import org.jspecify.annotations.Nullable;

/**
 * What one scenario measured, as it appears in the JSON report. Every figure is null when it was
 * not measured (a scenario not built yet, a failed run): never a made-up number.
 *
 * @param status {@code ok} (with a note when near saturation), {@code not built: why} or {@code failed: why}
 * @param rateRps the fixed request rate of the latency phase
 * @param requests requests recorded in the latency phase
 * @param errors failed requests in both phases
 * @param maxRps completions per second in the closed-model phase
 * @param cpuMsPer1k client process CPU per 1,000 requests in the latency phase
 * @param allocBytesPerReq heap bytes the client allocated per request in the latency phase
 * @param rssKb the client process's peak resident set (VmHWM)
 * @param cpuMsPer1kAtMax client process CPU per 1,000 requests in the throughput phase
 * @param serverCpuMsPer1k the server process's CPU per 1,000 requests in the latency phase
 * @param proxyCpuMsPer1k both proxies' CPU per 1,000 requests in the latency phase (sidecar only)
 * @param proxyCpuMsPer1kAtMax both proxies' CPU per 1,000 requests in the throughput phase
 * @param proxyRssKb both proxies' peak resident sets, summed
 * @param sendLagP99Us how late the load generator itself sent, p99: the harness's own noise floor
 * @param warmupS how long the throughput phase's warm-up (the first of the run) took to reach a steady rate
 * @param tls what the client's first answered connection negotiated ({@code TLSv1.3 TLS_AES_256_GCM_SHA384}
 *     or {@code plaintext}), so that the mTLS scenarios are seen to compare like with like
 */
@JsonPropertyOrder({"status", "p50_us", "p90_us", "p99_us", "p999_us", "max_us", "max_rps"})
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ScenarioResult(
    @JsonProperty("status") String status,
    @JsonProperty("p50_us") @Nullable Double p50Us,
    @JsonProperty("p90_us") @Nullable Double p90Us,
    @JsonProperty("p99_us") @Nullable Double p99Us,
    @JsonProperty("p999_us") @Nullable Double p999Us,
    @JsonProperty("max_us") @Nullable Double maxUs,
    @JsonProperty("max_rps") @Nullable Double maxRps,
    @JsonProperty("rate_rps") @Nullable Double rateRps,
    @JsonProperty("requests") @Nullable Long requests,
    @JsonProperty("errors") @Nullable Long errors,
    @JsonProperty("concurrency") @Nullable Integer concurrency,
    @JsonProperty("cpu_ms_per_1k") @Nullable Double cpuMsPer1k,
    @JsonProperty("alloc_bytes_per_req") @Nullable Double allocBytesPerReq,
    @JsonProperty("rss_kb") @Nullable Long rssKb,
    @JsonProperty("cpu_ms_per_1k_at_max") @Nullable Double cpuMsPer1kAtMax,
    @JsonProperty("server_cpu_ms_per_1k") @Nullable Double serverCpuMsPer1k,
    @JsonProperty("proxy_cpu_ms_per_1k") @Nullable Double proxyCpuMsPer1k,
    @JsonProperty("proxy_cpu_ms_per_1k_at_max") @Nullable Double proxyCpuMsPer1kAtMax,
    @JsonProperty("proxy_rss_kb") @Nullable Long proxyRssKb,
    @JsonProperty("send_lag_p99_us") @Nullable Double sendLagP99Us,
    @JsonProperty("warmup_s") @Nullable Double warmupS,
    @JsonProperty("tls") @Nullable String tls) {

  public static final String OK = "ok";

  /** A scenario that cannot run yet: all figures null. */
  public static ScenarioResult notBuilt(String why) {
    return absent("not built: " + why);
  }

  /** A scenario that was meant to run and did not complete: all figures null. */
  public static ScenarioResult failed(String why) {
    return absent("failed: " + why);
  }

  private static ScenarioResult absent(String status) {
    return new ScenarioResult(status, null, null, null, null, null, null, null, null, null, null, null, null,
        null, null, null, null, null, null, null, null, null);
  }

  /** Measured (possibly near saturation, which the status then says). */
  public boolean ok() {
    return status.startsWith(OK);
  }
}
