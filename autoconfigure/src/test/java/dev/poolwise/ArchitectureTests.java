package dev.poolwise;

import java.util.Set;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

import dev.poolwise.autoconfigure.PoolwiseProperties;
import dev.poolwise.tuning.TuningClassReadingHikari;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shape of the code, as Spring Boot's own build guards it: wiring depends on the runtime packages and
 * never the reverse, the tuning rules know neither Spring nor JDBC, no package cycles, and post-processor beans
 * that do not pull other beans in early.
 */
class ArchitectureTests {

	private static final JavaClasses MAIN = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
		.importPackages("dev.poolwise");

	private static final ArchRule RUNTIME_FREE_OF_WIRING = noClasses().that()
		.resideOutsideOfPackage("dev.poolwise.autoconfigure..")
		.should()
		.dependOnClassesThat()
		.resideInAPackage("dev.poolwise.autoconfigure..")
		.because("runtime packages take plain values; only the wiring knows about Spring configuration");

	private static final ArchRule TUNING_FREE_OF_SPRING_AND_JDBC = noClasses().that()
		.resideInAPackage("dev.poolwise.tuning..")
		.should()
		.dependOnClassesThat()
		.resideInAnyPackage("org.springframework..", "java.sql..", "javax.sql..", "com.zaxxer..")
		.because("the tuning rules are plain values in, numbers and violations out: testable without Spring, "
				+ "a pool or a server");

	private static final ArchRule NO_CYCLES = slices().matching("dev.poolwise.(**)").should().beFreeOfCycles();

	private static final Set<String> POST_PROCESSOR_PARAMETERS = Set.of(ObjectProvider.class.getName(),
			Environment.class.getName(), ApplicationContext.class.getName());

	private static final ArchRule POST_PROCESSOR_BEANS = methods().that()
		.areAnnotatedWith(Bean.class)
		.and()
		.haveRawReturnType(DescribedPredicate.describe("a post-processor",
				(JavaClass type) -> type.isAssignableTo(BeanPostProcessor.class)
						|| type.isAssignableTo(BeanFactoryPostProcessor.class)))
		.should()
		.haveModifier(JavaModifier.STATIC)
		.andShould(takeOnly(POST_PROCESSOR_PARAMETERS))
		.allowEmptyShould(true);

	@Test
	void runtimePackagesDoNotDependOnTheWiring() {
		RUNTIME_FREE_OF_WIRING.check(MAIN);
	}

	@Test
	void aRuntimeClassThatImportsTheWiringBreaksTheRule() {
		JavaClasses offending = new ClassFileImporter().importClasses(RuntimeClassReadingProperties.class,
				PoolwiseProperties.class);
		assertThat(RUNTIME_FREE_OF_WIRING.evaluate(offending).hasViolation()).isTrue();
	}

	@Test
	void tuningDependsOnNeitherSpringNorJdbc() {
		TUNING_FREE_OF_SPRING_AND_JDBC.check(MAIN);
	}

	@Test
	void aTuningClassThatTakesAHikariConfigBreaksTheRule() {
		JavaClasses offending = new ClassFileImporter().importClasses(TuningClassReadingHikari.class);
		assertThat(TUNING_FREE_OF_SPRING_AND_JDBC.evaluate(offending).hasViolation()).isTrue();
	}

	@Test
	void packagesAreFreeOfCycles() {
		NO_CYCLES.check(MAIN);
	}

	@Test
	void postProcessorBeansAreStaticAndTakeOnlyLazyOrInfrastructureParameters() {
		POST_PROCESSOR_BEANS.check(MAIN);
	}

	private static ArchCondition<JavaMethod> takeOnly(Set<String> allowed) {
		return new ArchCondition<>("take only ObjectProvider, Environment or ApplicationContext parameters") {

			@Override
			public void check(JavaMethod method, ConditionEvents events) {
				method.getRawParameterTypes()
					.stream()
					.filter((type) -> !allowed.contains(type.getName()))
					.forEach((type) -> events.add(SimpleConditionEvent.violated(method,
							method.getFullName() + " takes " + type.getName())));
			}

		};
	}

	/**
	 * What the rule must catch: a class outside the wiring that reads the properties object.
	 */
	static final class RuntimeClassReadingProperties {

		int size(PoolwiseProperties properties) {
			return properties.getSize();
		}

	}

}
