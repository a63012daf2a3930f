package io.boxoffice.llm.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.URLClassLoader;
import org.junit.jupiter.api.Test;

class DjlRuntimeTest {

    @Test
    void the_bundled_native_library_is_found_on_the_class_path() {
        assertThat(DjlRuntime.hasNativeLibrary(getClass().getClassLoader())).isTrue();
    }

    @Test
    void without_the_native_jar_the_check_fails_and_the_message_names_the_artifact_to_add() {
        ClassLoader empty = new URLClassLoader(new URL[0], null);
        assertThat(DjlRuntime.hasNativeLibrary(empty)).isFalse();
        assertThat(DjlRuntime.MISSING_NATIVE_MESSAGE).contains("ai.djl.pytorch:pytorch-native-cpu:2.7.1").contains("linux-x86_64");
    }

    @Test
    void the_engine_runs_offline() {
        TestModels.startDjl();
        assertThat(System.getProperty("ai.djl.offline")).isEqualTo("true");
        assertThat(DjlRuntime.engine().getEngineName()).isEqualTo("PyTorch");
    }
}
