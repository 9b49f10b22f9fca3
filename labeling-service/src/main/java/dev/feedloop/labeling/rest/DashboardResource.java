package dev.feedloop.labeling.rest;

import dev.feedloop.labeling.dashboard.DashboardState;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * {@code GET /api/v1/dashboard}: the loop's state for {@code /dashboard.html}, which polls it every
 * 2 s. Read-only and without personal data (feedback is counted, not listed), so it needs no token.
 */
@Path("/api/v1/dashboard")
@Produces(MediaType.APPLICATION_JSON)
public class DashboardResource {

    @Inject
    DashboardState dashboard;

    @GET
    public DashboardState.Snapshot snapshot() {
        return dashboard.snapshot();
    }
}
