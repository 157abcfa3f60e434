package dev.fleet.gateway.config;

import org.springframework.boot.web.codec.CodecCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Lets the JSON codecs buffer a whole request body up to {@code fleet.gateway.max-body-size}
 * (Spring's default is 256 KB); {@code RequestBodyLimitFilter} answers anything larger with 413
 * before the codecs see it.
 */
@Configuration(proxyBeanMethods = false)
class GatewayCodecs {

    @Bean
    CodecCustomizer bodySizedCodecs(FleetGatewayProperties properties) {
        int limit = (int) Math.min(Integer.MAX_VALUE, properties.maxBodySize().toBytes() + 1);
        return configurer -> configurer.defaultCodecs().maxInMemorySize(limit);
    }
}
