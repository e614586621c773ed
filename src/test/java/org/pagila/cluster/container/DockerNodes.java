package org.pagila.cluster.container;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Ports;
import java.util.Optional;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;

/** What the container tests share: the Docker engine and the node image as prerequisites, and published ports. */
final class DockerNodes {
    static final String IMAGE = Optional.ofNullable(System.getenv("PAGILA_NODE_IMAGE")).orElse("pagila-store/postgres:15");

    private DockerNodes() {
    }

    /** The engine's client once Docker answers and the node image exists; skips the class otherwise (fails with CI=true). */
    static DockerClient require(String testClass) {
        String dockerProblem;
        try {
            dockerProblem = DockerClientFactory.instance().isDockerAvailable() ? null : "no Docker engine";
        } catch (RuntimeException e) {
            dockerProblem = "Docker is not usable (" + e.getMessage() + ")";
        }
        require(testClass, dockerProblem == null, dockerProblem + ": install docker.io, start dockerd and set"
                + " TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_HOST_OVERRIDE=localhost (README, KVM topology)");
        DockerClient docker = DockerClientFactory.instance().client();
        boolean hasImage;
        try {
            docker.inspectImageCmd(IMAGE).exec();
            hasImage = true;
        } catch (NotFoundException e) {
            hasImage = false;
        }
        require(testClass, hasImage, "no image " + IMAGE + " (build it with cluster/containers/build-image.sh)");
        return docker;
    }

    /** The host port as Docker publishes it now: it changes when a container is restarted or reconnected. */
    static int hostPort(DockerClient docker, GenericContainer<?> container, int port) {
        Ports.Binding[] bindings = docker.inspectContainerCmd(container.getContainerId()).exec().getNetworkSettings().getPorts()
                .getBindings().get(ExposedPort.tcp(port));
        if (bindings == null || bindings.length == 0) {
            throw new IllegalStateException("no published port for " + container.getContainerId());
        }
        return Integer.parseInt(bindings[0].getHostPortSpec());
    }

    /** Skips without the prerequisite, with the reason; with CI=true a missing prerequisite fails the run. */
    private static void require(String testClass, boolean condition, String reason) {
        if (!condition && "true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("CI=true and " + reason);
        }
        if (!condition) {
            System.out.println("[containers] SKIPPED " + testClass + ": " + reason);
        }
        assumeTrue(condition, reason);
    }
}
