package com.desayre.platform;

import com.desayre.contracts.PriceList;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@link PriceList} from {@link PricingSettings}. Imported by the services that price: the workers (ledger
 * entries) and the gateway (budgets, stats).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(PricingSettings.class)
public class PricingConfiguration {

    @Bean
    PriceList priceList(PricingSettings settings) {
        return settings.toPriceList();
    }
}
