package dev.fleet.orchestrator.web;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.fleet.events.v1.ReindexJob;
import dev.fleet.orchestrator.domain.TenantStore;
import dev.fleet.orchestrator.messaging.ReindexJobs;
import dev.fleet.platform.web.ApiError;
import dev.fleet.platform.web.ApiErrorException;

import reactor.core.publisher.Mono;

/**
 * Re-embedding a tenant's collection with the embedding-worker's current model (decision 0050), under
 * {@code /admin/tenants/{tenantId}/collections/{collection}/reindex} (admin token): {@code POST} asks for
 * one (202 with the job and its URL), {@code GET …/{jobId}} shows its state and items done / total.
 * The worker answers readiness and serves requests all along.
 */
@RestController
@RequestMapping("/admin/tenants/{tenantId}/collections/{collection}/reindex")
public class ReindexController {

    private final ReindexJobs jobs;
    private final TenantStore tenants;

    public ReindexController(ReindexJobs jobs, TenantStore tenants) {
        this.jobs = jobs;
        this.tenants = tenants;
    }

    @PostMapping
    public Mono<ResponseEntity<Map<String, Object>>> request(@PathVariable String tenantId,
            @PathVariable String collection) {
        UUID tenant = TenantIds.parse(tenantId);
        if (collection.isBlank() || collection.contains("/")) {
            throw new ApiErrorException(ApiError.invalidRequest("a collection name has no '/'", "collection"));
        }
        return tenants.findTenant(tenant)
                .switchIfEmpty(Mono.error(() -> TenantIds.notFound(tenantId)))
                .flatMap(found -> jobs.request(tenant, collection))
                .map(job -> ResponseEntity.status(HttpStatus.ACCEPTED)
                        .location(URI.create("/admin/tenants/" + tenantId + "/collections/" + collection + "/reindex/"
                                + job.getJobId()))
                        .body(json(job)));
    }

    @GetMapping("/{jobId}")
    public Map<String, Object> find(@PathVariable String tenantId, @PathVariable String collection,
            @PathVariable String jobId) {
        UUID tenant = TenantIds.parse(tenantId);
        return jobs.find(tenant, collection, jobId).map(ReindexController::json)
                .orElseThrow(() -> new ApiErrorException(ApiError.notFound("no reindex job " + jobId
                        + " of collection " + collection, "reindex_job_not_found")));
    }

    static Map<String, Object> json(ReindexJob job) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", job.getJobId());
        body.put("object", "reindex_job");
        body.put("tenant_id", job.getTenantId());
        body.put("collection", job.getCollection());
        body.put("state", job.getState().name().toLowerCase());
        body.put("items_done", job.getItemsDone());
        body.put("items_total", job.getItemsTotal());
        body.put("model", job.getModel().isEmpty() ? null : job.getModel());
        body.put("model_version", job.getModelVersion().isEmpty() ? null : job.getModelVersion());
        body.put("error", job.getError());
        body.put("requested_at", job.getRequestedAt().toString());
        body.put("updated_at", job.getUpdatedAt().toString());
        return body;
    }
}
