package dev.fleet.gateway.web;

import java.util.List;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import com.fasterxml.jackson.annotation.JsonProperty;

import dev.fleet.gateway.domain.ModelCatalog;
import dev.fleet.platform.web.ApiErrorException;

/** {@code GET /v1/models} and {@code GET /v1/models/{id}}, in OpenAI's shape. */
@RestController
public class ModelsController {

    /** One model, as OpenAI lists it. */
    public record Model(String id, String object, long created, @JsonProperty("owned_by") String ownedBy) {

        static Model of(String id) {
            return new Model(id, "model", 0, "fleet");
        }
    }

    /** The model list. */
    public record ModelList(String object, List<Model> data) {
    }

    private final ModelCatalog catalog;

    public ModelsController(ModelCatalog catalog) {
        this.catalog = catalog;
    }

    @GetMapping("/v1/models")
    public ModelList list() {
        return new ModelList("list", catalog.ids().stream().map(Model::of).toList());
    }

    /** Model ids may contain slashes (e.g. {@code org/model}), hence the catch-all segment. */
    @GetMapping("/v1/models/{*id}")
    public Model get(@PathVariable("id") String path) {
        String id = path.startsWith("/") ? path.substring(1) : path;
        if (!catalog.contains(id)) {
            throw new ApiErrorException(ModelErrors.notFound(id));
        }
        return Model.of(id);
    }
}
